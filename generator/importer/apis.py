"""Reading dashboards through Grafana's ``/apis`` (``dashboard.grafana.app``), where Grafana serves it (12 and later,
the only way Grafana 13 reads a dashboard stored as schema v2); ``import`` uses the legacy ``/api`` elsewhere.

A dashboard is asked for at the group's preferred version; when Grafana answers that it converted it from the
version it is stored in (``status.conversion.storedVersion``), it is asked again in that version, so that what is
imported is what Grafana keeps, not a conversion of it. Any shape that comes back (a v1 resource holding classic
JSON, a v2 resource) is read by :mod:`generator.dashboard_schema`.
"""

from __future__ import annotations

from urllib.parse import quote

from ..dashboard_schema import GROUP
from ..grafana.errors import GrafanaNotFound

DEFAULT_NAMESPACE = "default"  # self-hosted Grafana's organisation 1; Grafana Cloud's is `stacks-<id>`


def versions(client) -> list[str] | None:
    """The versions of ``dashboard.grafana.app`` Grafana serves, the preferred one first; None when it serves no
    such API group (Grafana 10 and 11, or the feature turned off)."""
    try:
        group = client.request("GET", f"/apis/{GROUP}")
    except GrafanaNotFound:
        return None
    if not isinstance(group, dict):
        return None
    names = [v["version"] for v in group.get("versions") or [] if isinstance(v, dict) and v.get("version")]
    preferred = (group.get("preferredVersion") or {}).get("version")
    if preferred:
        names = [preferred] + [n for n in names if n != preferred]
    return names or None


def get_dashboard(client, uid: str, namespace: str, served: list[str]) -> dict | None:
    """The dashboard resource ``uid`` of ``namespace`` in the version Grafana stores it in; None when there is
    none."""
    resource = _get(client, served[0], namespace, uid)
    if resource is None:
        return None
    status = resource.get("status") if isinstance(resource.get("status"), dict) else {}
    stored = (status.get("conversion") or {}).get("storedVersion") if isinstance(status.get("conversion"), dict) \
        else None
    if stored and stored != served[0] and stored in served:
        resource = _get(client, stored, namespace, uid) or resource
    return resource


def _get(client, version: str, namespace: str, uid: str) -> dict | None:
    try:
        found = client.request("GET", f"/apis/{GROUP}/{version}/namespaces/{quote(namespace, safe='')}/dashboards/"
                                      f"{quote(uid, safe='')}")
    except GrafanaNotFound:
        return None
    return found if isinstance(found, dict) else None
