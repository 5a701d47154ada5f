"""lambda-wait: deploy AWS Lambda functions and wait until they are really ready."""

__version__ = "0.1.0"  # the one place: pyproject.toml reads it ([tool.hatch.version])
