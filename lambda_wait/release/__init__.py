"""Safe releases (pure domain): traffic-shift plans, health gates, rollback
decisions and reports, version pruning and spec generation for ``init``.

Nothing here imports boto3, botocore, click or rich; the AWS calls live in
:mod:`lambda_wait.aws` and :mod:`lambda_wait.cloudwatch`.
"""
