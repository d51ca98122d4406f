"""Where pushed dashboards live in Grafana, read and written the same way whichever HTTP API holds them.

A push, a diff and a prune see a dashboard in Grafana as a :class:`Live`: its content (what the marker of
:mod:`.marker` hashes and ``diff`` compares), who changed it and when, the version people read, and the token a
conditional write carries. Two stores give them:

- :class:`LegacyStore` here: the legacy ``/api`` (``/api/dashboards/uid/:uid``, ``/api/dashboards/db``,
  ``/api/search``), as every Grafana from 5 to 13 serves it (deprecated in 13): a write carries the ``version`` read
  before, and Grafana refuses a stale one with 412 ``version-mismatch``;
- :class:`~generator.grafana.resources.ResourceStore`: Grafana 12 and 13's ``/apis`` (``dashboard.grafana.app``),
  where a write carries the ``resourceVersion`` read before and a stale one gets 409 ``Conflict``.

Both answer the same methods: ``get``, ``write``, ``delete``, ``in_folder``, ``stale`` and ``describe``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import marker
from .client import GrafanaClient
from .errors import GrafanaHTTPError


@dataclass
class Live:
    """One dashboard as Grafana holds it."""

    uid: str
    title: str
    content: dict  # what the marker hashes and diff compares: the dashboard JSON (or a v2 spec with its uid)
    document: dict  # what a conflict copy keeps: the dashboard JSON, or the resource as Grafana stores it
    version: int | None = None  # for people: the legacy version, or the /apis generation
    token: Any = None  # what a conditional write carries: the legacy version, or the resourceVersion
    folder_uid: str = ""
    folder_title: str = ""
    updated_by: str = ""
    updated: str = ""
    provisioned: str | None = None  # why Grafana refuses to save it through the API (provisioned, managed…)
    generation_kept: bool = False  # /apis: the generation is still the one this tool's last write made
    stored_as: str = ""  # the API version Grafana stores it in, when it is not the one it was read through
    conversion_error: str = ""  # Grafana's words when it could not convert it to the version read

    @property
    def recorded(self) -> str | None:
        return marker.marker_of(self.content)

    @property
    def pristine(self) -> bool:
        """Pushed by this tool and untouched since: its generation is the one the push made (``/apis``), or its
        content still hashes to what its marker records (both APIs)."""
        recorded = self.recorded
        return recorded is not None and (self.generation_kept or recorded == marker.content_hash(self.content))

    def who(self) -> str:
        parts = [f"version {self.version}"]
        if self.updated_by:
            parts.append(f"by {self.updated_by}")
        if self.updated:
            parts.append(f"at {self.updated}")
        if self.stored_as:
            parts.append(f"saved as dashboard.grafana.app/{self.stored_as}")
        return ", ".join(parts)


class LegacyStore:
    """Dashboards through the legacy ``/api``: exactly the requests a push made before the ``/apis`` existed."""

    api = "legacy"

    def __init__(self, client: GrafanaClient):
        self.client = client

    def describe(self) -> str:
        return "the legacy /api"

    def get(self, uid: str, data: dict | None = None) -> Live | None:
        found = self.client.get_dashboard(uid)
        if found is None:
            return None
        dash, meta = found.get("dashboard") or {}, found.get("meta") or {}
        version = meta.get("version", dash.get("version"))
        provisioned = None
        if meta.get("provisioned"):
            source = meta.get("provisionedExternalId") or "provisioning"
            provisioned = (f"provisioned in Grafana from a file ({source}); Grafana refuses to save it through the "
                           "API: remove it from provisioning first")
        return Live(uid=uid, title=str(dash.get("title", "")), content=dash, document=dash, version=version,
                    token=version, folder_uid=meta.get("folderUid") or "",
                    folder_title=meta.get("folderTitle") or "", updated_by=meta.get("updatedBy") or "",
                    updated=meta.get("updated") or "", provisioned=provisioned)

    def write(self, desired: dict, live: Live | None, *, folder_uid: str, message: str, overwrite: bool,
              data: dict | None = None) -> int | None:
        body = dict(desired)
        if live is not None and live.token is not None and not overwrite:
            body["version"] = live.token
        answer = self.client.save_dashboard(body, folder_uid=folder_uid, overwrite=overwrite, message=message)
        return answer.get("version") if isinstance(answer, dict) else None

    def delete(self, live: Live) -> bool:
        return self.client.delete_dashboard(live.uid)

    def in_folder(self, folder_uid: str) -> list[dict]:
        """The dashboards of the folder: ``uid``, ``title`` and ``tags`` each."""
        hits = self.client.search(type="dash-db", folder_uids=[folder_uid])
        return [h for h in hits if h.get("folderUid", folder_uid) == folder_uid]

    @staticmethod
    def stale(e: GrafanaHTTPError) -> bool:
        """The refusal means "changed since it was read"."""
        return e.grafana_status == "version-mismatch"
