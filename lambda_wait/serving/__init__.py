"""What serves traffic besides the function itself: provisioned concurrency and event
source mappings. Pure domain: no boto3, botocore, click or rich.

- :mod:`lambda_wait.serving.provisioned`: a provisioned concurrency config's snapshot,
  its classification, and the rules a deploy follows before it puts or removes one.
- :mod:`lambda_wait.serving.mappings`: an event source mapping's snapshot and its
  classification, alone and for all mappings of a function.
- :func:`combine`: the function's own assessment joined with those of what serves it.
"""

from __future__ import annotations

from lambda_wait.states import Assessment, Phase

# Worst first: the first part in one of these phases decides the joined verdict.
_TERMINAL_ORDER = (Phase.FAILED, Phase.UPDATE_FAILED, Phase.DELETING, Phase.INACTIVE)


def combine(*parts: Assessment | None) -> Assessment:
    """Join assessments of the function and of what serves it into one verdict.

    A terminal problem in any part wins (the first in severity order); then anything
    still on its way; ready only when every part present is ready.
    """
    present = [part for part in parts if part is not None]
    if not present:
        return Assessment(Phase.OTHER, "nothing read yet", None)
    for phase in _TERMINAL_ORDER:
        for part in present:
            if part.phase is phase:
                return part
    for part in present:
        if part.phase is not Phase.READY:
            return part
    return Assessment(Phase.READY, "; ".join(part.summary for part in present), None)
