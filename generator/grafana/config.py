"""Connection settings, from flags first and the environment second, checked before anything is sent.

Secrets (a token, a password) come from the environment only (``GRAFANA_TOKEN``, ``GRAFANA_PASSWORD``), never from
flags, which end up in shell history and ``ps``. The objects here never show them: their ``repr`` masks them, and
:meth:`Credentials.secrets` lets output be scrubbed as a last line of defence.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .errors import GrafanaUsageError

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
APIS = ("auto", "apis", "legacy")  # which HTTP API dashboards go through (see generator/grafana/apis.py)
NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")  # a Kubernetes namespace is a DNS label


@dataclass(frozen=True)
class Credentials:
    """A token (``Authorization: Bearer``) or a user and password (basic auth). Never printed."""

    token: str | None = None
    user: str | None = None
    password: str | None = None

    def __post_init__(self):
        if not self.token and not (self.user and self.password is not None):
            raise GrafanaUsageError("no Grafana credentials: set GRAFANA_TOKEN (a service account token), "
                                    "or GRAFANA_USER and GRAFANA_PASSWORD")

    @property
    def kind(self) -> str:
        return "token" if self.token else "basic"

    def apply(self, session) -> None:
        if self.token:
            session.headers["Authorization"] = f"Bearer {self.token}"
        else:
            session.auth = (self.user, self.password or "")

    def secrets(self) -> list[str]:
        return [s for s in (self.token, self.password) if s]

    def __repr__(self) -> str:
        if self.token:
            return "Credentials(token=***)"
        return f"Credentials(user={self.user!r}, password=***)"

    __str__ = __repr__


@dataclass(frozen=True)
class GrafanaSettings:
    url: str  # without a trailing slash; may carry a path when Grafana is served under a sub-path
    credentials: Credentials = field(repr=True)  # its repr masks the secret
    org_id: int | None = None
    verify: bool | str = True  # True, a CA bundle path, or False (only when asked for explicitly)
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    api: str = "auto"  # "auto" (discover), "apis" (dashboard.grafana.app) or "legacy" (/api)
    namespace: str | None = None  # the /apis namespace; None: the default for the organisation

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def apis_namespace(self) -> str:
        """The namespace of the ``/apis``: as set, else ``default`` for organisation 1 and ``org-<id>`` for another
        (self-hosted Grafana; Grafana Cloud's is ``stacks-<stack id>`` and must be set)."""
        if self.namespace:
            return self.namespace
        return "default" if self.org_id in (None, 1) else f"org-{self.org_id}"


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings_from(*, url: str | None = None, org_id: str | int | None = None, ca_bundle: str | None = None,
                  insecure_skip_tls_verify: bool = False, allow_insecure_http: bool = False,
                  timeout: float | None = None, retries: int | None = None, backoff: float | None = None,
                  api: str | None = None, namespace: str | None = None,
                  environ: dict | None = None) -> GrafanaSettings:
    """Settings from explicit values (flags) falling back to ``GRAFANA_*`` variables of ``environ``."""
    env = os.environ if environ is None else environ
    url = (url or env.get("GRAFANA_URL") or "").strip()
    if not url:
        raise GrafanaUsageError("no Grafana URL: pass --grafana-url or set GRAFANA_URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GrafanaUsageError("the Grafana URL must look like https://grafana.example.com (scheme and host)")
    if parts.username or parts.password:
        # never echo the URL here: it holds a secret
        raise GrafanaUsageError("the Grafana URL carries credentials; put them in GRAFANA_TOKEN or "
                                "GRAFANA_USER/GRAFANA_PASSWORD instead")
    if parts.query or parts.fragment:
        raise GrafanaUsageError("the Grafana URL must not have a query or fragment")
    clean_url = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")

    token = env.get("GRAFANA_TOKEN") or None
    credentials = Credentials(token=token, user=None if token else (env.get("GRAFANA_USER") or None),
                              password=None if token else env.get("GRAFANA_PASSWORD"))

    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure_http:
        raise GrafanaUsageError(
            f"refusing to send the Grafana {'token' if credentials.token else 'password'} over plain http to "
            f"{parts.hostname}; use https, or pass --allow-insecure-http if this network is trusted")

    org = org_id if org_id not in (None, "") else env.get("GRAFANA_ORG_ID") or None
    if org is not None:
        try:
            org = int(org)
        except (TypeError, ValueError):
            raise GrafanaUsageError(f"the Grafana organisation id must be a number, not {org!r}") from None

    if ca_bundle and insecure_skip_tls_verify:
        raise GrafanaUsageError("--ca-bundle and --insecure-skip-tls-verify contradict each other")
    ca_bundle = ca_bundle or env.get("GRAFANA_CA_BUNDLE") or None
    verify: bool | str = True
    if insecure_skip_tls_verify:
        verify = False
    elif ca_bundle:
        if not os.path.isfile(ca_bundle):
            raise GrafanaUsageError(f"CA bundle {ca_bundle} does not exist")
        verify = ca_bundle

    for name, value in (("--timeout", timeout), ("--backoff", backoff)):
        if value is not None and value <= 0:
            raise GrafanaUsageError(f"{name} must be positive")
    if retries is not None and retries < 0:
        raise GrafanaUsageError("--retries must be 0 or more")
    api = (api or env.get("GRAFANA_API") or "auto").strip()
    if api not in APIS:
        raise GrafanaUsageError(f"the Grafana API must be one of {', '.join(APIS)}, not {api!r} "
                                "(--api, grafana_api of the environment, or GRAFANA_API)")
    namespace = (namespace or env.get("GRAFANA_NAMESPACE") or "").strip() or None
    if namespace is not None and not NAMESPACE.match(namespace):
        raise GrafanaUsageError(f"the /apis namespace {namespace!r} is not a namespace name (lower-case letters, "
                                "digits and '-', e.g. default, org-2, stacks-123456)")
    return GrafanaSettings(
        url=clean_url, credentials=credentials, org_id=org, verify=verify,
        connect_timeout=min(timeout, DEFAULT_CONNECT_TIMEOUT) if timeout else DEFAULT_CONNECT_TIMEOUT,
        read_timeout=timeout or DEFAULT_READ_TIMEOUT,
        retries=DEFAULT_RETRIES if retries is None else retries,
        backoff=DEFAULT_BACKOFF if backoff is None else backoff,
        api=api, namespace=namespace,
    )
