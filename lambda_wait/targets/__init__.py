"""Wait targets: each one object that knows what it reads, how it judges the answer
(ready, on its way, or failed with a decoded reason) and how it shows in ``status``,
the live view and the JSON. :mod:`lambda_wait.targets.registry` lists them and gives
``wait --for`` its choices. Pure domain: no boto3, botocore, click or rich.

- :mod:`~lambda_wait.targets.base`: :class:`ServingTarget`, :class:`Need`, the row data.
- :mod:`~lambda_wait.targets.function`: the function's own State and LastUpdateStatus.
- :mod:`~lambda_wait.targets.provisioned`: an alias's or version's provisioned concurrency.
- :mod:`~lambda_wait.targets.mappings`: the function's event source mappings.
"""
