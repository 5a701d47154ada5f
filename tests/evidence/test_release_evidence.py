"""A release's evidence, pure parts: Invoke's base64 log tail decoded, its error lines
kept, capped, cleaned of control characters and scrubbed of secrets."""

from __future__ import annotations

import base64

from lambda_wait.evidence.model import MAX_LINES
from lambda_wait.evidence.release import TAIL_SOURCE, tail_evidence
from lambda_wait.release.adapters import SmokeFailure, decode_tail


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_the_log_tail_is_decoded_into_lines() -> None:
    tail = decode_tail(_b64("START RequestId: x\n[ERROR] KeyError: 'id'\n\nEND RequestId: x\n"))
    assert tail == ("START RequestId: x", "[ERROR] KeyError: 'id'", "END RequestId: x")


def test_a_missing_or_broken_tail_is_no_lines() -> None:
    assert decode_tail(None) == ()
    assert decode_tail("") == ()
    assert decode_tail("not base64!!") == ()


def test_a_smoke_failure_is_its_reason_and_carries_the_tail() -> None:
    failure = SmokeFailure("the smoke test ... failed (Unhandled)", log_tail=("[ERROR] x",))
    assert failure == "the smoke test ... failed (Unhandled)"
    assert failure.log_tail == ("[ERROR] x",)


def test_only_error_lines_are_kept_with_secrets_masked_and_controls_cleaned() -> None:
    tail = (
        "START RequestId: 1 Version: 2",
        "[ERROR] ValueError: token=abc123 key AKIAABCDEFGHIJKLMNOP",
        "[ERROR] Exception: \x1b[31mred\x1b[0m",
        "END RequestId: 1",
    )
    item = tail_evidence("2", tail)
    assert item.source == TAIL_SOURCE
    assert item.summary == "2 error lines in the smoke test's log tail of version 2"
    first, second = item.shown
    assert "abc123" not in first and "AKIAABCDEFGHIJKLMNOP" not in first
    assert "token=***" in first
    assert "\x1b" not in second


def test_the_lines_shown_are_capped() -> None:
    item = tail_evidence("3", tuple(f"[ERROR] boom {n}" for n in range(40)))
    assert len(item.shown) == MAX_LINES + 1
    assert item.shown[-1] == f"... {40 - MAX_LINES} more"
    assert item.to_dict()["facts"] == {"version": "3", "tail_lines": 40}
