"""One module per kind of step; each changes the function through
:meth:`~lambda_wait.deploy.sender.Sender.wait_act_wait` and records itself in the ledger.

- :mod:`.create`: CreateFunction (IAM role propagation retried), until Active.
- :mod:`.update`: UpdateFunctionCode or UpdateFunctionConfiguration (one step type),
  until Successful.
- :mod:`.publish`: PublishVersion (CodeSha256 guard), until the version is Active.
- :mod:`.alias`: create or move the alias.
"""
