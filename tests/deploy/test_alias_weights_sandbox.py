"""A plain ``deploy --alias`` clears routing weights (issue 23, point 6): the alias
left on version 1 with 50% on version 2 (a shift killed midway) reads the new version
alone afterwards, and the plan and the report say the weights were cleared."""

from __future__ import annotations

from pathlib import Path

from lambda_wait.sandbox import SandboxHandle
from tests.deploy.conftest import Deploy, base_args


def _code(src: Path, n: int) -> None:
    (src / "app.py").write_text(f"def handler(event, context):\n    return {n}\n")


def test_a_plain_alias_move_clears_the_weights_a_killed_shift_left(
    deploy: Deploy, sandbox: SandboxHandle, src: Path
) -> None:
    assert deploy(*base_args("wt", src), "--alias", "live").code == 0  # live -> 1
    _code(src, 2)
    assert deploy(*base_args("wt", src), "--publish").code == 0  # version 2, not behind live
    lam = sandbox.client()
    lam.update_alias(
        FunctionName="wt",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    _code(src, 3)

    dry = deploy(*base_args("wt", src), "--alias", "live", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "clear alias live's routing weights (50% on version 2)" in dry.stdout

    run = deploy(*base_args("wt", src), "--alias", "live", "-o", "json")
    assert run.code == 0, run.stderr
    alias = lam.get_alias(FunctionName="wt", Name="live")
    assert alias["FunctionVersion"] == "3"
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    doc = run.json()["deploy"]
    assert doc["plan"]["alias_weights_cleared"] == {"2": 0.5}
    (step,) = [s for s in doc["steps"] if s["name"] == "alias"]
    assert step["status"] == "applied"
    assert step["detail"] == "live: 1 -> 3; routing weights cleared (were 50% on version 2)"

    text = deploy(*base_args("wt", src), "--alias", "live")  # nothing left to clear
    assert text.code == 0 and "routing weights" not in text.stdout + text.stderr
