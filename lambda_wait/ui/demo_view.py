"""What ``lambda-wait demo`` prints around the deploys it runs: the sandbox it
started, each step's command and outcome, and what happened in the end. The
deploys themselves print through their own :class:`~lambda_wait.ui.output.Output`
(they run as subprocesses)."""

from __future__ import annotations

from rich.text import Text

from lambda_wait.ui import theme
from lambda_wait.ui.output import Output


class DemoView:
    """The demo's narration on stdout, coloured like the rest of the output."""

    def __init__(self, output: Output) -> None:
        self._out = output.out

    def intro(self, endpoint: str, time_scale: float) -> None:
        self._out.print(
            Text("lambda-wait demo", style=theme.HEADING)
            + Text(f": a local Lambda control plane at {endpoint}")
        )
        self._out.print(
            Text(
                f"(time scale {time_scale:g}: a VPC create that takes about 60 s on AWS takes "
                f"{60 * time_scale:.0f} s here)\n"
            )
        )

    def step(self, title: str, command: str) -> None:
        self._out.print(Text(title, style=theme.HEADING))
        self._out.print(Text(f"$ lambda-wait {command}", style=theme.COMMAND))

    def outcome(self, code: int, expected: int, elapsed: float) -> None:
        mark = "as expected" if code == expected else f"expected {expected}"
        self._out.print(
            Text(
                f"-> exit {code} ({mark}) in {elapsed:.1f}s\n",
                style=theme.GOOD if code == expected else theme.BAD,
            )
        )

    def summary(self, calls: int, changes: int, refused: int) -> None:
        self._out.print(Text("What happened", style=theme.HEADING))
        self._out.print(
            Text(
                f"  {calls} Lambda calls, {changes} of them changes, "
                f"{refused} refused with ResourceConflictException (409) for coming too early."
            )
        )
        self._out.print(
            Text(
                "  A pipeline branches on the exit codes: 0 ready, 1 failed, 3 timed out, "
                "6 cooldown, 7 inactive, 10 rolled back (`lambda-wait --help`).\n"
            )
        )
        self._out.print(
            Text("Against real AWS", style=theme.HEADING)
            + Text(" (credentials and region as for the AWS CLI):")
        )
        for line in (
            "lambda-wait deploy --spec function.json --code-dir src/ --publish --alias live",
            "lambda-wait status hello-vpc",
            "lambda-wait wait hello-vpc --timeout 10m",
        ):
            self._out.print(Text(f"  {line}"))
