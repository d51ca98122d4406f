"""Errors the command line reports as one clear message instead of a traceback."""

from __future__ import annotations


class GeneratorError(Exception):
    """A problem in the user's input (catalog, module, rule, dashboard) or environment.

    The command line prints ``str(error)`` and exits non-zero; nothing is written. ``problems`` holds the
    :class:`generator.problems.Problem` objects behind the message (empty for environment errors).
    """

    def __init__(self, message: str, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class UsageError(GeneratorError):
    """The command was asked for something that does not exist (exit status 2, as for bad flags)."""


class UnavailableError(GeneratorError):
    """A server (Grafana, Prometheus, a ruler, a /metrics endpoint) could not be reached or would not answer (exit
    status 3)."""


class CatalogError(GeneratorError):
    """The metric catalog is malformed."""


class BuildError(GeneratorError):
    """A dashboard or rule module could not be compiled."""


def failed(cls, headline: str, problems, *, declaration_first: bool = False) -> GeneratorError:
    """``cls`` carrying ``problems``, its message the headline and one formatted line per problem."""
    from .problems import format_problem

    lines = [format_problem(p, declaration_first=declaration_first) for p in problems]
    return cls(headline + ":\n  " + "\n  ".join(lines), problems)
