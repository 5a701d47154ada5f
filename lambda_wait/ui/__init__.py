"""Presentation: everything lambda-wait shows people and scripts.

- :mod:`.output`: :class:`~.output.Output`, the one owner of the stdout and stderr
  consoles for a command run; every other module renders through it.
- :mod:`.display`: which progress display fits where the command runs (pure).
- :mod:`.theme`: the styles (one place for colours).
- :mod:`.live`: the terminal's live table.
- :mod:`.tables`: the result blocks and tables of status, wait and deploy.
- :mod:`.github`: GitHub Actions workflow commands, step summary and outputs (pure).
- :mod:`.envelope`: the versioned JSON document of ``--output json``.

Data flows in only: this package reads :mod:`lambda_wait.result`, the domain
(states, reasons, errors) and the deploy's result types; nothing outside the
commands and the error boundary imports it.
"""
