"""What can go wrong talking to Grafana, as a small hierarchy (after grafana-client's).

Every class is a :class:`~generator.errors.GeneratorError`, so the command line prints it as one line instead of
a traceback. HTTP errors carry Grafana's own ``message`` and ``status`` from the error body: the legacy ``/api``
says ``{"message", "status"}`` (``version-mismatch``, ``name-exists``…); the ``/apis`` answer a Kubernetes
``Status`` (``{"kind": "Status", "status": "Failure", "message", "reason", "code", "details"}``), whose ``reason``
(``Conflict``, ``AlreadyExists``, ``NotFound``, ``Forbidden``, ``Invalid``…) becomes the status here.
Nothing here ever holds the credentials: messages are built from the method, the path and the server's answer
only.
"""

from __future__ import annotations

from ..errors import GeneratorError, UnavailableError, UsageError


class GrafanaError(GeneratorError):
    """Base of every failure talking to Grafana."""


class GrafanaUsageError(GrafanaError, UsageError):
    """The settings are missing or unsafe (no URL, no credentials, a token over plain http…): exit status 2."""


class GrafanaNotJSON(GrafanaError):
    """A success status with a body that is not JSON: not Grafana's API at that address (or a Grafana too old to
    serve it, answering with its web page)."""


class GrafanaTransportError(GrafanaError, UnavailableError):
    """No HTTP answer: connection refused or reset, DNS failure, TLS failure, timeout."""

    def __init__(self, message: str, *, sent: bool, attempts: int = 1):
        super().__init__(message)
        self.sent = sent  # False when the request surely never reached the server (connection refused)
        self.attempts = attempts


class GrafanaTimeout(GrafanaTransportError):
    """Grafana did not answer in time."""


class GrafanaHTTPError(GrafanaError):
    """Grafana answered with an error status."""

    def __init__(self, method: str, path: str, status_code: int, message: str = "", status: str = "",
                 *, attempts: int = 1):
        self.method, self.path, self.status_code = method, path, status_code
        self.grafana_message, self.grafana_status = message, status
        self.attempts = attempts
        detail = message or "(no message)"
        if status:
            detail += f" [{status}]"
        super().__init__(f"Grafana answered {status_code} to {method} {path}: {detail}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status_code}, {self.method} {self.path}, {self.grafana_message!r})"


class GrafanaClientError(GrafanaHTTPError):
    """4xx: the request was refused; sending it again unchanged will not help."""


class GrafanaBadRequest(GrafanaClientError):
    """400."""


class GrafanaUnauthorized(GrafanaClientError, UsageError):
    """401: the token or the user and password are wrong, or missing."""


class GrafanaForbidden(GrafanaClientError, UsageError):
    """403: the credentials are valid but lack the permission."""


class GrafanaNotFound(GrafanaClientError):
    """404."""


class GrafanaConflict(GrafanaClientError):
    """409: e.g. a folder with the same uid or title exists; on the ``/apis``, a stale ``resourceVersion``
    (reason ``Conflict``) or a name taken (reason ``AlreadyExists``)."""


class GrafanaPreconditionFailed(GrafanaClientError):
    """412: the dashboard changed since it was read (``version-mismatch``) or its title is taken (``name-exists``)."""


class GrafanaInvalid(GrafanaClientError):
    """422: the ``/apis`` refused the object as invalid (a Kubernetes ``Invalid`` status, with its causes)."""


class GrafanaTooManyRequests(GrafanaClientError):
    """429 after every retry."""


class GrafanaServerError(GrafanaHTTPError, UnavailableError):
    """5xx."""


_BY_STATUS = {400: GrafanaBadRequest, 401: GrafanaUnauthorized, 403: GrafanaForbidden, 404: GrafanaNotFound,
              409: GrafanaConflict, 412: GrafanaPreconditionFailed, 422: GrafanaInvalid,
              429: GrafanaTooManyRequests}


def error_for_status(status_code: int) -> type[GrafanaHTTPError]:
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    return GrafanaServerError if status_code >= 500 else GrafanaClientError
