"""Shared test configuration: the sandbox fixtures (sandbox, sandbox_factory, make_function)."""

pytest_plugins = ["lambda_wait.sandbox.pytest_plugin"]
