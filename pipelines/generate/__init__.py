"""Realistic monthly department extracts for landing/ (issue 2): ``jcw generate``."""

from pipelines.generate.generator import generate

__all__ = ["generate"]
