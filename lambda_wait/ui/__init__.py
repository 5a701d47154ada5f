"""Presentation: everything lambda-wait shows people and scripts.

- :mod:`.output`: :class:`~.output.Output`, the sink of a command run: typed events
  (:mod:`lambda_wait.events`) and the result in, each output mode's renderer out.
- :mod:`.modes`: which renderer shows each mode, and the ``Renderer`` protocol.
- :mod:`.streams`: stdout and stderr of a run and their consoles; :mod:`.guard`:
  the one place a failing stream is handled.
- :mod:`.live`, :mod:`.progress`: stderr's progress modes (the terminal's live
  table; plain and GitHub lines).
- :mod:`.results`, :mod:`.ndjson`: stdout's modes (text and JSON; ndjson).
- :mod:`.adapt`: the producers' reports turned into typed events; :mod:`.lines`: a
  deploy event's line.
- :mod:`.display`: which progress display fits where the command runs (pure).
- :mod:`.theme`: the styles (one place for colours).
- :mod:`.tables`: the result blocks and tables of status, wait and deploy.
- :mod:`.github`: GitHub Actions workflow commands, step summary and outputs (pure).
- :mod:`.envelope`: the versioned JSON document and each event's JSON object.

Data flows in only: this package reads :mod:`lambda_wait.result`, the events, the
domain (states, reasons, errors) and the deploy's result types; nothing outside the
commands and the error boundary imports it.
"""
