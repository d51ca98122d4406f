"""Which HTTP API dashboards go through: Grafana's ``/apis`` (12 and 13) or the legacy ``/api`` (10.4 to 13).

``auto`` (the default) asks Grafana once, ``GET /apis`` (Kubernetes API discovery: the groups served and their
versions), and takes:

- the ``/apis`` when ``dashboard.grafana.app`` serves ``v1`` or ``v1beta1`` (Grafana 12 and 13), classic dashboards
  going as the ``spec`` of ``v1`` where it is served, else ``v1beta1``; folders through ``folder.grafana.app``
  (``v1``, else ``v1beta1``) where that group is served, else through the legacy ``/api/folders``;
- the legacy ``/api`` otherwise: no ``/apis`` at all (Grafana 10 answers 404, or its web page), or no
  ``dashboard.grafana.app`` in a version this tool writes (Grafana 11 serves at most ``v0alpha1``, behind a feature
  flag).

``apis`` and ``legacy`` force one (``--api``, ``grafana_api`` of an environment, ``GRAFANA_API``); forcing ``apis``
on a Grafana without it is an error before anything is written. Schema v2 documents (resources of
``dashboard.grafana.app/v2beta1`` or ``v2``) only go through the ``/apis``, to their own version, which Grafana must
serve. The namespace is ``default`` on a self-hosted Grafana's first organisation, ``org-<id>`` for another, and
must be set to ``stacks-<stack id>`` on Grafana Cloud (Grafana's "API structure" docs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .client import GrafanaClient
from .config import GrafanaSettings
from .errors import GrafanaNotFound, GrafanaNotJSON, GrafanaUsageError
from .resources import FOLDER_GROUP, GROUP, ResourceFolders, ResourceStore, is_resource, resource_version
from .store import LegacyStore

CLASSIC_VERSIONS = ("v1", "v1beta1")  # preferred first
FOLDER_VERSIONS = ("v1", "v1beta1")


@dataclass(frozen=True)
class Route:
    """The API a push, diff or prune takes, and why."""

    api: str  # "apis" or "legacy"
    why: str
    namespace: str = "default"
    classic_version: str = ""  # the dashboard.grafana.app version classic JSON goes to
    folder_version: str = ""  # the folder.grafana.app version, or "" (folders through /api/folders)
    served: tuple[str, ...] = ()  # every dashboard.grafana.app version Grafana serves
    resource_versions: tuple[str, ...] = field(default=())  # the versions of the resource documents pushed

    def describe(self) -> str:
        """E.g. ``via /apis dashboard.grafana.app/v1beta1 (namespace default), folders via
        folder.grafana.app/v1beta1 (discovered)``."""
        if self.api == "legacy":
            return f"via the legacy /api ({self.why})"
        versions = [v for v in (self.classic_version, *self.resource_versions) if v]
        versions = list(dict.fromkeys(versions))
        folders = f"folder.grafana.app/{self.folder_version}" if self.folder_version else "the legacy /api/folders"
        return (f"via /apis {GROUP}/{' and '.join(versions)} (namespace {self.namespace}), folders via {folders} "
                f"({self.why})")

    def short(self) -> str:
        """E.g. ``via /apis dashboard.grafana.app/v1beta1``, for a summary line."""
        if self.api == "legacy":
            return "via the legacy /api"
        versions = list(dict.fromkeys(v for v in (self.classic_version, *self.resource_versions) if v))
        return f"via /apis {GROUP}/{' and '.join(versions)}"

    def store(self, client: GrafanaClient):
        if self.api == "legacy":
            return LegacyStore(client)
        return ResourceStore(client, self.namespace, self.classic_version or self.resource_versions[0], self.served)

    def folders(self, client: GrafanaClient):
        """What :func:`generator.grafana.folders.resolve` finds and creates folders through."""
        if self.api == "apis" and self.folder_version:
            return ResourceFolders(client, self.namespace, self.folder_version)
        return client


def discover(client: GrafanaClient) -> dict[str, tuple[str, ...]] | None:
    """The API groups Grafana serves under ``/apis`` and their versions; None when it serves no ``/apis``."""
    try:
        got = client.request("GET", "/apis")
    except (GrafanaNotFound, GrafanaNotJSON):
        return None
    if not isinstance(got, dict) or not isinstance(got.get("groups"), list):
        return None
    out = {}
    for group in got["groups"]:
        if isinstance(group, dict) and group.get("name"):
            out[group["name"]] = tuple(str(v.get("version")) for v in group.get("versions") or []
                                       if isinstance(v, dict) and v.get("version"))
    return out


def choose(client: GrafanaClient, settings: GrafanaSettings, documents: list) -> Route:
    """The route for ``documents`` (each with ``.data`` and ``.source``), per ``settings.api``; a usage error,
    before anything is written, when a document cannot go the way asked."""
    wanted = sorted({resource_version(d.data) for d in documents if is_resource(d.data)})
    if settings.api == "legacy":
        _no_resources_on_legacy(documents, "--api legacy was asked for")
        return Route("legacy", "asked for")
    groups = discover(client)
    served = (groups or {}).get(GROUP, ())
    classic = next((v for v in CLASSIC_VERSIONS if v in served), "")
    folder_version = next((v for v in FOLDER_VERSIONS if v in (groups or {}).get(FOLDER_GROUP, ())), "")
    has_classic = any(not is_resource(d.data) for d in documents)
    usable = bool(classic) or (bool(wanted) and not has_classic and all(v in served for v in wanted))
    if settings.api == "auto" and not usable:
        why = ("Grafana serves no /apis" if groups is None else
               f"Grafana serves no {GROUP} " + ("v1 or v1beta1" if not served else
                                                f"v1 or v1beta1, only {', '.join(served)}"))
        _no_resources_on_legacy(documents, why)
        return Route("legacy", why)
    if not usable:
        seen = "no /apis at all" if groups is None else "served: " + (", ".join(served) or "none")
        raise GrafanaUsageError(f"--api apis: Grafana at {settings.url} serves no {GROUP} v1 or v1beta1 ({seen}); "
                                "the /apis need Grafana 12 or later: use --api legacy (or auto)")
    missing = [v for v in wanted if v not in served]
    if missing:
        files = [d.source or d.uid for d in documents if is_resource(d.data) and resource_version(d.data) in missing]
        raise GrafanaUsageError(f"{', '.join(files)}: a {GROUP}/{missing[0]} resource, which Grafana at "
                                f"{settings.url} does not serve (it serves {', '.join(served)})")
    why = "asked for" if settings.api == "apis" else "discovered"
    return Route("apis", why, namespace=settings.apis_namespace, classic_version=classic,
                 folder_version=folder_version, served=served, resource_versions=tuple(wanted))


def _no_resources_on_legacy(documents: list, why: str) -> None:
    resources = [d for d in documents if is_resource(d.data)]
    if resources:
        names = ", ".join(d.source or d.uid for d in resources[:5]) + (" …" if len(resources) > 5 else "")
        raise GrafanaUsageError(f"{names}: schema v2 resources ({resources[0].data.get('apiVersion')}) go only "
                                f"through Grafana's /apis, and the legacy /api is the way here ({why}); push "
                                "them to Grafana 12 or later, or build classic dashboards (dashboard_schema)")

