"""botocore's configuration: no botocore retries, time-outs from the environment."""

from __future__ import annotations

import pytest

from lambda_wait.aws_setup import CONNECT_TIMEOUT, READ_TIMEOUT, client_config
from lambda_wait.errors import UsageError


def test_defaults_no_retries_and_documented_timeouts() -> None:
    config = client_config({})
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert (config.connect_timeout, config.read_timeout) == (CONNECT_TIMEOUT, READ_TIMEOUT)


def test_timeouts_from_the_environment() -> None:
    env = {"LAMBDA_WAIT_READ_TIMEOUT": "0.5", "LAMBDA_WAIT_CONNECT_TIMEOUT": "2"}
    config = client_config(env)
    assert (config.connect_timeout, config.read_timeout) == (2.0, 0.5)


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "nan", "inf", "4000"])
def test_bad_timeout_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError, match="LAMBDA_WAIT_READ_TIMEOUT"):
        client_config({"LAMBDA_WAIT_READ_TIMEOUT": raw})
