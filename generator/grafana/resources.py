"""Dashboards and folders through Grafana's ``/apis`` (Grafana 12 and 13), as Kubernetes-style resources.

Paths (Grafana's OpenAPI description of ``dashboard.grafana.app`` and ``folder.grafana.app``, and its "API
structure" docs)::

    /apis/dashboard.grafana.app/<version>/namespaces/<namespace>/dashboards[/<name>]
    /apis/folder.grafana.app/<version>/namespaces/<namespace>/folders[/<name>]

A dashboard is ``{apiVersion, kind: Dashboard, metadata: {name, annotations, labels, resourceVersion,
generation}, spec, status}``; ``metadata.name`` is the dashboard's uid. What goes where:

- a classic dashboard JSON is the ``spec`` of a ``v1`` resource (``v1beta1`` when the server offers no ``v1``);
- a document that already is a resource (``apiVersion: dashboard.grafana.app/v2beta1``, a schema v2 dashboard) goes
  to its own version's path, unchanged but for ``metadata``;
- the folder is the ``grafana.app/folder`` annotation, the commit message ``grafana.app/message``.

The rules a push keeps:

- **never clobber**: an update carries the ``metadata.resourceVersion`` read just before; Grafana answers 409
  ``Conflict`` when the dashboard changed since, and nothing is written. A create names its object, so a create
  over an existing one (or the replay of a create whose answer was lost) gets 409 ``AlreadyExists``. A delete
  carries the ``resourceVersion`` as a precondition.
- **edits in Grafana are seen**: the marker tag of :mod:`.marker` stays in ``spec.tags`` (both schemas have tags),
  and the annotation :data:`GENERATION` records the ``metadata.generation`` the push's write gives the dashboard.
  Grafana adds one to the generation on every change of the spec, so a dashboard whose generation is still the one
  recorded is untouched, even though Grafana rewrites what it stores (a v1 spec is migrated to the latest
  ``schemaVersion`` and loses ``uid``, ``id`` and ``version`` on the way in). Where the annotation did not survive,
  the content hash decides, as on the legacy ``/api``.
- **a dashboard stored in another version** (saved as schema v2 in Grafana 13's editor, read through ``v1``):
  Grafana converts it and says so in ``status.conversion`` (``storedVersion``, ``failed``, ``error``). A push
  reports it as edited in Grafana, and the conflict copy is the stored version, fetched through its own path, so
  that nothing is lost even when the conversion failed.
- **ownership**: prune deletes only dashboards of the folder that carry the marker tag and are untouched.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from . import marker
from .client import GrafanaClient
from .errors import GrafanaError, GrafanaHTTPError, GrafanaNotFound
from .store import Live

GROUP = "dashboard.grafana.app"
FOLDER_GROUP = "folder.grafana.app"
FOLDER = "grafana.app/folder"
MESSAGE = "grafana.app/message"
MANAGED_BY, MANAGER_ID = "grafana.app/managedBy", "grafana.app/managerId"
GENERATION = "ai-monitoring-as-code/pushed-generation"
PAGE = 500


def is_resource(data: dict) -> bool:
    """A document of ``generated/`` that is a whole resource (``{apiVersion: dashboard.grafana.app/…, kind:
    Dashboard, metadata, spec}``) rather than a classic dashboard JSON."""
    return str(data.get("apiVersion", "")).startswith(GROUP + "/") and isinstance(data.get("spec"), dict)


def resource_version(data: dict) -> str:
    return str(data.get("apiVersion", "")).split("/", 1)[-1]


def hashed(data: dict) -> dict:
    """What the marker hashes for a document of ``generated/``: the classic JSON, or a resource's spec with its
    name as ``uid`` (so that a copy saved under another name is never taken for ours)."""
    if is_resource(data):
        return {**data["spec"], "uid": (data.get("metadata") or {}).get("name")}
    return data


def with_marker(data: dict, digest: str) -> dict:
    """The document carrying the marker tag (in ``spec.tags`` for a resource)."""
    if is_resource(data):
        return {**data, "spec": marker.with_marker(data["spec"], digest)}
    return marker.with_marker(data, digest)


def explain(e: GrafanaError, namespace: str | None = None) -> str:
    """A Kubernetes ``Status`` refusal of the ``/apis`` in a user's words, with what to do; anything else as is."""
    if not isinstance(e, GrafanaHTTPError) or not e.path.startswith("/apis/"):
        return str(e)
    if namespace is None:
        parts = e.path.split("/")
        namespace = parts[parts.index("namespaces") + 1] if "namespaces" in parts[:-1] else "?"
    reason, said = e.grafana_status, e.grafana_message or str(e)
    hints = {
        "Conflict": "it changed in Grafana since it was read (stale resourceVersion); nothing was written",
        "AlreadyExists": "an object with this name exists already",
        "NotFound": f"not found in namespace {namespace!r} (on Grafana Cloud the namespace is stacks-<stack id>: "
                    "set --namespace)",
        "Forbidden": f"the credentials lack the permission in namespace {namespace!r} (dashboards:write and "
                     "folders:write are needed; on Grafana Cloud the namespace is stacks-<stack id>)",
        "Invalid": "Grafana found the dashboard invalid",
    }
    if reason in hints:
        return f"{hints[reason]}: {said} [{reason}, {e.status_code}]"
    return str(e)


def _seg(value: str) -> str:
    return quote(value, safe="")


class ResourceStore:
    """Dashboards through ``dashboard.grafana.app``: see the module's docstring for the rules."""

    api = "apis"

    def __init__(self, client: GrafanaClient, namespace: str, classic_version: str, served: tuple[str, ...] = ()):
        self.client, self.namespace, self.classic_version = client, namespace, classic_version
        self.served = tuple(served) or (classic_version,)

    def describe(self) -> str:
        return f"/apis {GROUP}/{self.classic_version} (namespace {self.namespace})"

    def path(self, version: str, name: str | None = None) -> str:
        base = f"/apis/{GROUP}/{version}/namespaces/{_seg(self.namespace)}/dashboards"
        return base + (f"/{_seg(name)}" if name is not None else "")

    def version_for(self, data: dict | None) -> str:
        return resource_version(data) if data is not None and is_resource(data) else self.classic_version

    # -----------------------------------------------------------------------------------------------------------

    def get(self, uid: str, data: dict | None = None) -> Live | None:
        version = self.version_for(data)
        try:
            obj = self.client.request("GET", self.path(version, uid))
        except GrafanaNotFound:
            return None
        return self._live(obj, version, resource=data is not None and is_resource(data))

    def _live(self, obj: dict, version: str, *, resource: bool) -> Live:
        meta = obj.get("metadata") or {}
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        notes = meta.get("annotations") or {}
        conversion = (obj.get("status") or {}).get("conversion") or {}
        stored = str(conversion.get("storedVersion") or "")
        stored_as = stored if stored and stored != version else ""
        document = _clean(obj) if resource else spec
        if stored_as or conversion.get("failed"):
            document = self._stored(meta.get("name", ""), stored_as) or _clean(obj)
        provisioned = None
        if notes.get(MANAGED_BY):
            provisioned = (f"managed in Grafana by {notes[MANAGED_BY]} {notes.get(MANAGER_ID, '')}".rstrip() +
                           "; Grafana refuses to save it through the API: release it from that manager first")
        generation = meta.get("generation")
        return Live(uid=meta.get("name", ""), title=str(spec.get("title", "")),
                    content={**spec, "uid": meta.get("name")}, document=document,
                    version=generation, token=meta.get("resourceVersion"), folder_uid=notes.get(FOLDER) or "",
                    updated_by=notes.get("grafana.app/updatedBy") or notes.get("grafana.app/createdBy") or "",
                    updated=notes.get("grafana.app/updatedTimestamp") or meta.get("creationTimestamp") or "",
                    provisioned=provisioned,
                    generation_kept=generation is not None and notes.get(GENERATION) == str(generation),
                    stored_as=stored_as,
                    conversion_error=str(conversion.get("error") or "") if conversion.get("failed") else "")

    def _stored(self, name: str, version: str) -> dict | None:
        """The dashboard as stored (another version than read), for the conflict copy; None when not served."""
        if not version or version not in self.served:
            return None
        try:
            return _clean(self.client.request("GET", self.path(version, name)))
        except GrafanaNotFound:
            return None

    # -----------------------------------------------------------------------------------------------------------

    def write(self, desired: dict, live: Live | None, *, folder_uid: str, message: str, overwrite: bool,
              data: dict | None = None) -> int | None:
        """Create (``live`` None) or update, conditional on the ``resourceVersion`` read into ``live``. With
        ``overwrite`` too: force replaces the version whose copy was just saved, not one that changed since."""
        version = self.version_for(data if data is not None else desired)
        body = self._body(desired, version, live, folder_uid=folder_uid, message=message)
        name = body["metadata"]["name"]
        if live is None:
            # replay-safe: the name is given, so a replay gets 409 AlreadyExists (see .client)
            answer = self.client.request("POST", self.path(version), body=body, replay_safe=True)
        else:
            answer = self.client.request("PUT", self.path(version, name), body=body, replay_safe=True)
        answer = answer if isinstance(answer, dict) else {}
        meta = answer.get("metadata") or {}
        generation = meta.get("generation")
        if generation is not None and str(generation) != body["metadata"]["annotations"][GENERATION]:
            self._record_generation(answer, version, name, generation)
        return generation

    def _body(self, desired: dict, version: str, live: Live | None, *, folder_uid: str, message: str) -> dict:
        if is_resource(desired):
            given = desired.get("metadata") or {}
            spec = desired["spec"]
        else:
            given, spec = {"name": desired.get("uid")}, desired
        annotations = {k: v for k, v in (given.get("annotations") or {}).items() if k != GENERATION}
        if folder_uid:
            annotations[FOLDER] = folder_uid
        annotations[MESSAGE] = message
        expected = 1 if live is None else int(live.version or 0) + 1
        annotations[GENERATION] = str(expected)
        metadata = {"name": given.get("name"), "annotations": annotations}
        if given.get("labels"):
            metadata["labels"] = dict(given["labels"])
        if live is not None:
            metadata["resourceVersion"] = live.token
        return {"apiVersion": f"{GROUP}/{version}", "kind": "Dashboard", "metadata": metadata, "spec": spec}

    def _record_generation(self, answer: dict, version: str, name: str, generation) -> None:
        """Grafana gave another generation than expected (the spec did not change, e.g. a move): record it with a
        metadata-only update, which leaves the generation as it is. Best effort: without it, the next push falls
        back to the content hash."""
        fixed = {**answer, "metadata": {**answer["metadata"],
                                        "annotations": {**(answer["metadata"].get("annotations") or {}),
                                                        GENERATION: str(generation)}}}
        fixed.pop("status", None)
        try:
            self.client.request("PUT", self.path(version, name), body=fixed, replay_safe=True)
        except GrafanaError:
            pass

    def delete(self, live: Live) -> bool:
        """Delete the version that was read (a precondition on its ``resourceVersion``); False when already gone."""
        body = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"resourceVersion": live.token}}
        try:
            self.client.request("DELETE", self.path(self.classic_version, live.uid), body=body)
            return True
        except GrafanaNotFound:
            return False

    def in_folder(self, folder_uid: str) -> list[dict]:
        out = []
        for item in _pages(self.client, self.path(self.classic_version)):
            meta = item.get("metadata") or {}
            if (meta.get("annotations") or {}).get(FOLDER, "") != folder_uid:
                continue
            spec = item.get("spec") if isinstance(item.get("spec"), dict) else {}
            out.append({"uid": meta.get("name", ""), "title": spec.get("title", ""), "tags": spec.get("tags") or []})
        return out

    @staticmethod
    def stale(e: GrafanaHTTPError) -> bool:
        return e.grafana_status in ("Conflict", "AlreadyExists")


class ResourceFolders:
    """Folders through ``folder.grafana.app``, answering as the legacy client's folder methods do (``uid``,
    ``title``, ``parentUid``), for :func:`generator.grafana.folders.resolve`."""

    def __init__(self, client: GrafanaClient, namespace: str, version: str):
        self.client, self.namespace, self.version = client, namespace, version

    def describe(self) -> str:
        return f"{FOLDER_GROUP}/{self.version}"

    def path(self, name: str | None = None) -> str:
        base = f"/apis/{FOLDER_GROUP}/{self.version}/namespaces/{_seg(self.namespace)}/folders"
        return base + (f"/{_seg(name)}" if name is not None else "")

    def get_folder(self, uid: str) -> dict | None:
        try:
            return _folder(self.client.request("GET", self.path(uid)))
        except GrafanaNotFound:
            return None

    def list_folders(self, parent_uid: str | None = None) -> list[dict]:
        folders = [_folder(item) for item in _pages(self.client, self.path())]
        return [f for f in folders if (f.get("parentUid") or "") == (parent_uid or "")]

    def create_folder(self, title: str, *, uid: str | None = None, parent_uid: str | None = None) -> dict:
        # A name derived from the place and title when none is given: a replay after a lost answer then gets 409
        # AlreadyExists instead of creating a second folder (replay-safe; folders.resolve looks it up again).
        name = uid or "gen-" + hashlib.sha256(f"{parent_uid or ''}/{title}".encode()).hexdigest()[:20]
        metadata: dict = {"name": name}
        if parent_uid:
            metadata["annotations"] = {FOLDER: parent_uid}
        body = {"apiVersion": f"{FOLDER_GROUP}/{self.version}", "kind": "Folder", "metadata": metadata,
                "spec": {"title": title}}
        return _folder(self.client.request("POST", self.path(), body=body, replay_safe=True))


def _folder(obj) -> dict:
    obj = obj if isinstance(obj, dict) else {}
    meta = obj.get("metadata") or {}
    out = {"uid": meta.get("name", ""), "title": (obj.get("spec") or {}).get("title", "")}
    parent = (meta.get("annotations") or {}).get(FOLDER)
    if parent:
        out["parentUid"] = parent
    return out


def _pages(client: GrafanaClient, path: str) -> list[dict]:
    """Every item of a list, following ``metadata.continue``."""
    out: list[dict] = []
    token = None
    while True:
        params = [("limit", str(PAGE))] + ([("continue", token)] if token else [])
        got = client.request("GET", path, params=params)
        if not isinstance(got, dict) or not isinstance(got.get("items"), list):
            raise GrafanaError(f"GET {path} answered something other than a list")
        out += [i for i in got["items"] if isinstance(i, dict)]
        token = (got.get("metadata") or {}).get("continue")
        if not token:
            return out


def _clean(obj: dict) -> dict:
    """A resource as read, without what only the server uses (managedFields)."""
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    return {**obj, "metadata": meta}
