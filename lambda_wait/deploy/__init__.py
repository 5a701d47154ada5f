"""`deploy`: create or update a function safely (wait, act, wait), idempotently.

One idea per module, data flowing one way:

- :mod:`.package`: the deployment package (read a zip, pack a directory
  deterministically, Lambda's CodeSha256). Pure.
- :mod:`.reading`: the user's files and values (spec and env files, KEY=VALUE,
  environment names and size, alias names), read and checked.
- :mod:`.spec`: the desired function from ``--spec`` and flags, validated before
  any call to AWS. Pure (the botocore shape check is injected).
- :mod:`.plan`: what would change, field by field, secrets masked. Pure.
- :mod:`.model`: the step (name, action, "Changed" label, what-is-live note, run),
  the ledger (steps, events, result) and the deploy errors. Pure.
- :mod:`.port`: :class:`~.port.LambdaPort`, the Lambda API a deploy uses (a Protocol).
- :mod:`.guard`: the pre-flight check (refuse Failed, Inactive, cooling-down functions).
- :mod:`.sender`: sending a change without applying it twice; wait-act-wait.
- :mod:`.steps`: one module per step; each builds its step object and runs it.
- :mod:`.planner`: the plan and its list of steps (reads only).
- :mod:`.executor`: runs the steps in order, or (``--dry-run``) only shows them.
- :mod:`.runner`: read, guard, plan, execute; every outcome as a result.
- :mod:`.report`: the JSON section, the exit code (the one place) and what is live
  after a failure (how a deploy reads to people is :mod:`lambda_wait.ui.deploy_view`).
- :mod:`.many`: several specs at once: all validated first, then one Deployer per
  thread sharing one API (one request budget) and one deadline.
"""
