"""The use cases behind ``status``, ``wait`` and ``deploy``: plain functions from a
typed request to a :class:`~lambda_wait.result.CommandResult`, without Click (the
commands in :mod:`lambda_wait.commands` only parse options into a request and call
one)."""
