#!/usr/bin/env bash
# The action's install step: lambda-wait at the action's own ref, with the dependency
# versions of its uv.lock, in a virtual environment of its own (never the job's Python).
# Writes the environment's interpreter to the step output `python`.
set -euo pipefail

action_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${LAMBDA_WAIT_VENV:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/lambda-wait-action}"

if ! command -v uv >/dev/null 2>&1; then
  echo "::error title=lambda-wait action::uv is not on PATH (the action's astral-sh/setup-uv step installs it)"
  exit 2
fi
# --no-dev: the project's default dependency group is its test tooling.
UV_PROJECT_ENVIRONMENT="$venv" uv sync --project "$action_dir" --locked --no-dev --no-editable --quiet

python="$venv/bin/python"
[[ -x "$python" ]] || python="$venv/Scripts/python.exe"   # Windows runners
"$python" -m lambda_wait --version
echo "python=$python" >> "${GITHUB_OUTPUT:-/dev/null}"
