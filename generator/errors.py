"""Errors the command line reports as one clear message instead of a traceback."""

from __future__ import annotations


class GeneratorError(Exception):
    """A problem in the user's input (catalog, module, rule, dashboard) or environment.

    The command line prints ``str(error)`` and exits non-zero; nothing is written.
    """


class CatalogError(GeneratorError):
    """The metric catalog is malformed."""


class BuildError(GeneratorError):
    """A dashboard or rule module could not be compiled."""
