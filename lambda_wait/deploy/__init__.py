"""`deploy`: create or update a function safely (wait, act, wait), idempotently.

One idea per module, data flowing one way:

- :mod:`.package`: the deployment package (read a zip, pack a directory
  deterministically, Lambda's CodeSha256). Pure.
- :mod:`.spec`: the desired function from ``--spec`` and flags, validated before
  any call to AWS. Pure (the botocore shape check is injected).
- :mod:`.plan`: what would change, field by field, secrets masked. Pure.
- :mod:`.runner`: the orchestration (wait, act, wait) over :class:`~lambda_wait.aws.LambdaApi`.
- :mod:`.report`: the JSON section and the exit code of a deploy (how it reads to
  people is :mod:`lambda_wait.ui.deploy_view`).
- :mod:`.many`: several specs at once: all validated first, then one Deployer per
  thread sharing one API (one request budget) and one deadline.
"""
