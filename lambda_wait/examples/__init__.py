"""Bundled examples (used by `lambda-wait demo`)."""
