"""The exit status of every command, defined once (docs/reference/exit-codes.md is written from CODES).

- 0 ``OK``: done, nothing to report (clean lint, nothing stale, every push succeeded, no difference);
- 1 ``PROBLEMS``: done, and found something: lint errors, stale ``generated/``, failing rule tests, a push
  conflict or failure, a difference; also a mistake in the content (a module that does not compile);
- 2 ``USAGE``: could not start: bad flags, missing URL or credentials, input that cannot be read, a catalog or
  ``pyproject.toml`` that does not load, an optional extra that is not installed;
- 3 ``UNAVAILABLE``: a server (Grafana, Prometheus, a ruler, a ``/metrics`` endpoint) could not be reached or
  would not answer;
- 130 ``INTERRUPTED``: stopped with Ctrl-C.
"""

OK = 0
PROBLEMS = 1
USAGE = 2
UNAVAILABLE = 3
INTERRUPTED = 130

CODES = {
    OK: "Done, nothing to report: lint clean, nothing stale, every scenario passes, every push succeeded, no "
        "difference.",
    PROBLEMS: "Done, and found something: lint errors (warnings with `--min-severity warning`), a stale "
              "`generated/`, a failing rule test or coverage gap, a push conflict or failure, a difference "
              "(`diff`, `diff-rules`, `review --exit-code`), a mistake in a content module.",
    USAGE: "Could not start: bad flags, a missing URL or credentials, an input file that cannot be read, a catalog "
           "or `pyproject.toml` that does not load, a missing optional extra, a folder `init` will not write into.",
    UNAVAILABLE: "A server could not be reached or would not answer: Grafana, Prometheus, a ruler, a `/metrics` "
                 "endpoint (after the retries that are safe).",
    INTERRUPTED: "Stopped with Ctrl-C.",
}


def for_error(error: BaseException, default: int = PROBLEMS) -> int:
    """The exit status of a command stopped by ``error``: the same class means the same status in every command."""
    from .errors import CatalogError, UnavailableError, UsageError

    if isinstance(error, UnavailableError):
        return UNAVAILABLE
    if isinstance(error, (UsageError, CatalogError)):
        return USAGE
    return default
