"""One module per kind of step. Each builds its step object (``<name>_step(sender,
...)``: name, action, "Changed" label, what-is-live note, run) and, when run, records
itself in the ledger and changes the function only through
:meth:`~lambda_wait.deploy.sender.Sender.mutate` (inside
:meth:`~lambda_wait.deploy.sender.Sender.wait_act_wait` where Lambda changes state).

- :mod:`.previous`: wait out someone else's update (before the plan).
- :mod:`.recreate`: DeleteFunction of a function in State Failed (--recreate-failed).
- :mod:`.create`: CreateFunction (IAM role propagation retried), until Active.
- :mod:`.update`: UpdateFunctionCode or UpdateFunctionConfiguration (one step type),
  until Successful.
- :mod:`.tags`: TagResource for the --tag values that differ.
- :mod:`.publish`: PublishVersion (CodeSha256 guard), until the version is Active.
- :mod:`.alias`: create or move the alias (clearing routing weights): the one alias write.
- :mod:`.shift`: the alias step of --shift, its moves through that same write.
- :mod:`.provisioned`: the alias's provisioned concurrency, until READY.
"""
