"""A local Lambda control plane that really goes through the states.

moto stores functions, roles and code; :class:`Sandbox` (a WSGI layer over
moto's server app) adds Pending/Active/Failed/Inactive, LastUpdateStatus,
the 409s of too-early calls, throttling, fault injection and a time scale.
Installed with the ``sandbox`` extra; the core package never imports it.
See docs/sandbox.md.
"""

from __future__ import annotations

from lambda_wait.sandbox.app import Call, Sandbox
from lambda_wait.sandbox.faults import FaultConfig
from lambda_wait.sandbox.scenario import Scenario, Timings, load_scenario, parse_scenario
from lambda_wait.sandbox.server import SandboxHandle, running_sandbox, zip_bytes

__all__ = [
    "Call",
    "FaultConfig",
    "Sandbox",
    "SandboxHandle",
    "Scenario",
    "Timings",
    "load_scenario",
    "parse_scenario",
    "running_sandbox",
    "zip_bytes",
]
