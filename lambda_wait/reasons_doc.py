"""docs/reason-codes.md, generated from the reason catalogue (:mod:`lambda_wait.reasons`).

A tool beside the pure catalogue, not part of it: it reads which of botocore's Lambda
enums list each code (:mod:`lambda_wait.aws_model`, offline). Run it from the
repository root after changing the catalogue; a test fails when the page is stale.
"""

from __future__ import annotations

from lambda_wait.aws_model import enum_values
from lambda_wait.evidence.catalogue import PLANS
from lambda_wait.reasons import (
    ALIASES,
    CATALOGUE,
    COOLDOWN_SECONDS,
    MAPPING_STATES,
    MAPPING_TRANSITION_REASONS,
    PROCESSING_RESULTS,
    PROVISIONED_STATUS_REASONS,
    PROVISIONED_STATUSES,
    ReasonInfo,
)

DOC_PATH = "docs/reason-codes.md"
"""Where ``python -m lambda_wait.reasons_doc`` writes the page, relative to the repository root."""

REGENERATE_COMMAND = "uv run python -m lambda_wait.reasons_doc"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _enum_membership() -> dict[str, list[str]]:
    """Which enums of botocore's Lambda model list each code."""
    member: dict[str, list[str]] = {}
    for shape in ("StateReasonCode", "LastUpdateStatusReasonCode"):
        for value in enum_values(shape):
            member.setdefault(value, []).append(shape)
    return member


def render_markdown() -> str:
    """The full text of docs/reason-codes.md, generated from :data:`CATALOGUE`."""
    lines = [
        "# Lambda reason codes",
        "",
        "<!-- Generated from lambda_wait/reasons.py by reasons_doc.py; do not edit. -->",
        "",
        "What every `StateReasonCode` and `LastUpdateStatusReasonCode` that AWS Lambda "
        "reports means, and what to do about it. lambda-wait shows this decoding in "
        "`status`, `wait` and the JSON output; a code it does not know is shown verbatim "
        "with AWS's message.",
        "",
        "This page is generated from the catalogue in `lambda_wait/reasons.py`. After "
        f"changing the catalogue, regenerate it from the repository root with "
        f"`{REGENERATE_COMMAND}` (it writes `{DOC_PATH}`; pass `-` to print to stdout "
        "instead). A test fails when the page is stale.",
        "",
        "- **Transient**: waiting or retrying may clear it without you changing anything.",
        f"- **Cooldown**: Lambda waits at least {COOLDOWN_SECONDS // 60} minutes before it "
        "tries to create another network interface.",
        "- **Enums**: `State` = `StateReasonCode`, `Update` = `LastUpdateStatusReasonCode` "
        "(as listed by botocore's Lambda model).",
        "- Meanings marked *inferred* or *undocumented* are not stated on any AWS page.",
        "- **Evidence on failure**: what `wait` and `deploy` read to explain the code "
        "(`--evidence off` skips it), or why nothing would add to AWS's message; the "
        "plans live in `lambda_wait/evidence/catalogue.py`.",
        "",
    ]
    if ALIASES:
        spellings = ", ".join(f"`{alias}` (= `{code}`)" for alias, code in sorted(ALIASES.items()))
        lines += [f"Also accepted: {spellings}, the spelling used in the AWS docs.", ""]
    lines += [*_summary(), "", "## Codes", ""]
    for info in CATALOGUE.values():
        flags = [
            "transient" if info.transient else "needs a change from you",
            *(["5-minute cooldown"] if info.cooldown else []),
        ]
        lines += [
            f"### `{info.code}`: {info.title}",
            "",
            f"*{'; '.join(flags)}*",
            "",
            f"**Meaning.** {info.meaning}",
            "",
            f"**What to do.** {info.remedy}",
            "",
            f"**Evidence on failure.** {PLANS[info.code].describe()}",
            "",
        ]
    lines += _serving_sections()
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary() -> list[str]:
    """The summary table: each code, its title, whether transient or under cooldown,
    and which of botocore's enums list it."""
    member = _enum_membership()
    yes_no = {True: "yes", False: "no"}
    short = {"StateReasonCode": "State", "LastUpdateStatusReasonCode": "Update"}
    lines = [
        "## Summary",
        "",
        "| Code | Title | Transient | Cooldown | Enums |",
        "|---|---|---|---|---|",
    ]
    for info in CATALOGUE.values():
        enums = ", ".join(short[s] for s in member.get(info.code, [])) or "(not in botocore)"
        lines.append(
            f"| `{info.code}` | {_cell(info.title)} | {yes_no[info.transient]} "
            f"| {yes_no[info.cooldown]} | {enums} |"
        )
    return lines


def _entries(label: str, catalogue: dict[str, ReasonInfo]) -> list[str]:
    lines: list[str] = []
    for info in catalogue.values():
        lines += [
            f"### {label} `{info.code}`: {info.title}",
            "",
            f"**Meaning.** {info.meaning}",
            "",
            f"**What to do.** {info.remedy}",
            "",
        ]
        if info.code in PLANS:
            lines += [f"**Evidence on failure.** {PLANS[info.code].describe()}", ""]
    return lines


def _serving_sections() -> list[str]:
    """The provisioned-concurrency and event-source-mapping part of the page."""
    return [
        "## Provisioned concurrency",
        "",
        "`status --qualifier` and `wait --for ready|provisioned` read the provisioned "
        "concurrency config of an alias or version (GetProvisionedConcurrencyConfig). "
        "`Status` is one of the values below; when it is `FAILED`, `StatusReason` says why "
        "and lambda-wait decodes the codes it knows (any other text is shown verbatim).",
        "",
        *_entries("Status", PROVISIONED_STATUSES),
        *_entries("StatusReason", PROVISIONED_STATUS_REASONS),
        "## Event source mappings",
        "",
        "`status` lists a function's event source mappings and `wait --event-source-mappings` "
        "waits until none is in a transitional state (Creating, Enabling, Updating, "
        "Disabling, Deleting). A mapping fails the wait when it ends Disabled without a user "
        "asking for it, or when StateTransitionReason or LastProcessingResult reports a "
        "problem.",
        "",
        *_entries("State", MAPPING_STATES),
        *_entries("StateTransitionReason", MAPPING_TRANSITION_REASONS),
        "LastProcessingResult is `OK`, `No records processed`, or `PROBLEM: <message>`; the "
        "messages below are matched on their start, any other `PROBLEM:` is shown verbatim "
        "with the generic advice.",
        "",
        *_entries("LastProcessingResult", PROCESSING_RESULTS),
    ]


def main(argv: list[str] | None = None) -> int:
    """Write docs/reason-codes.md (default), another path, or ``-`` for stdout."""
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        usage = f"usage: python -m lambda_wait.reasons_doc [PATH|-]  (default {DOC_PATH})\n"
        sys.stderr.write(usage)
        return 0 if args and args[0] in ("-h", "--help") else 2
    text = render_markdown()
    target = args[0] if args else DOC_PATH
    if target == "-":
        sys.stdout.write(text)
        return 0
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
