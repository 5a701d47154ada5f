#!/usr/bin/env bash
# The action's run step: the INPUT_* variables action.yml maps become one lambda-wait
# command (lambda_wait/commands/action.py), run with the interpreter the install step chose.
# Its exit code is the step's; lambda-wait writes the outputs and the step summary.
set -euo pipefail
exec "${LAMBDA_WAIT_PYTHON:?the install step sets LAMBDA_WAIT_PYTHON}" -m lambda_wait.commands.action
