"""The stand-in Grafana's ``/apis`` (Grafana 12 and 13), after Grafana's published OpenAPI description of the
dashboard and folder apps (``pkg/tests/apis/openapi_snapshots/dashboard.grafana.app-v1beta1.json``, ``-v2beta1``,
``folder.grafana.app-v1beta1.json`` in grafana/grafana) and its HTTP API docs (``developers/http_api/apis``,
``dashboard``):

- discovery: ``GET /apis`` (``APIGroupList``), ``GET /apis/<group>`` (``APIGroup``), ``GET /apis/<group>/<version>``
  (``APIResourceList``); which groups and versions are served follows the Grafana version (see :func:`served_for`);
- ``/apis/dashboard.grafana.app/<version>/namespaces/<ns>/dashboards[/<name>]``: list (``limit``, ``continue``),
  create (POST, 201; a name taken: 409 ``AlreadyExists``; ``resourceVersion`` set: 400), get (404 ``NotFound``),
  replace (PUT; a stale ``metadata.resourceVersion``: 409 ``Conflict``; an empty one updates unconditionally; a
  name other than the URL's: 400), delete (``preconditions.resourceVersion`` stale: 409; a ``Status`` of
  ``Success``); a namespace other than the organisation's: 403 ``Forbidden``; a missing title or name: 422
  ``Invalid`` with its causes. Every refusal is a Kubernetes ``Status`` body.
- ``metadata.generation`` grows by one when the spec changes, never for a metadata-only change;
  ``metadata.resourceVersion`` changes on every change. On the way in, a v1 spec loses ``uid``, ``id`` and
  ``version`` and is migrated to the latest ``schemaVersion`` (Grafana's mutation hook), so what is stored is not
  byte for byte what was sent.
- a dashboard read through another schema than it is stored in (classic ``v0alpha1``/``v1beta1``/``v1`` against
  ``v2alpha1``/``v2beta1``/``v2``) is converted, and ``status.conversion`` says so (``storedVersion``, ``failed``,
  ``error``); a conversion that fails gives an empty spec with ``failed: true``. The stand-in's conversion keeps
  the title, description, tags and each panel's title, type and place; Grafana's keeps all it can.
- ``/apis/folder.grafana.app/<version>/namespaces/<ns>/folders[/<name>]``: list, create (the parent in the
  ``grafana.app/folder`` annotation; a name taken: 409), get, delete (with its content). Unlike the legacy API,
  two folders may share a title.
- custom annotations and labels are kept, next to the ``grafana.app/*`` ones Grafana sets (``createdBy``,
  ``updatedBy``, ``updatedTimestamp``, ``folder``; ``managedBy``/``managerId`` for provisioned dashboards).
"""

from __future__ import annotations

import copy

from tests.grafana_standin_common import (
    HTTPFailure,
    StatusFailure,
    already_exists,
    conflict,
    invalid,
    new_uid,
    not_found,
    now,
)

GROUP, FOLDER_GROUP = "dashboard.grafana.app", "folder.grafana.app"
CLASSIC, SCHEMA_V2 = ("v0alpha1", "v1beta1", "v1"), ("v2alpha1", "v2beta1", "v2")
LATEST_SCHEMA = 42
FOLDER, MESSAGE = "grafana.app/folder", "grafana.app/message"
SERVER_ANNOTATIONS = {"grafana.app/createdBy", "grafana.app/updatedBy", "grafana.app/updatedTimestamp",
                      "grafana.app/managedBy", "grafana.app/managerId", FOLDER, MESSAGE}


def served_for(version: str) -> dict | None:
    """The groups and versions a Grafana of ``version`` serves under ``/apis`` (None: no ``/apis`` at all)."""
    major = int(version.split(".")[0])
    if major <= 10:
        return None
    if major == 11:  # the apiserver is there, dashboards only as v0alpha1 behind a feature flag
        return {GROUP: ("v0alpha1",), "playlist.grafana.app": ("v0alpha1",)}
    if major == 12:
        return {GROUP: ("v0alpha1", "v1beta1", "v2alpha1", "v2beta1"), FOLDER_GROUP: ("v1beta1",)}
    return {GROUP: ("v0alpha1", "v1beta1", "v1", "v2beta1", "v2"), FOLDER_GROUP: ("v1beta1", "v1")}


def strip(dashboard: dict) -> dict:
    return {k: v for k, v in dashboard.items() if k not in ("uid", "id", "version")}


def classic_to_v2(d: dict) -> dict:
    elements, items = {}, []
    for i, p in enumerate(d.get("panels") or []):
        key = f"panel-{p.get('id', i + 1)}"
        elements[key] = {"kind": "Panel", "spec": {"id": p.get("id", i + 1), "title": p.get("title", ""),
                                                   "description": p.get("description", ""),
                                                   "vizConfig": {"kind": p.get("type", "")}}}
        grid = p.get("gridPos") or {}
        items.append({"kind": "GridLayoutItem", "spec": {"x": grid.get("x", 0), "y": grid.get("y", 0),
                                                         "width": grid.get("w", 12), "height": grid.get("h", 8),
                                                         "element": {"kind": "ElementReference", "name": key}}})
    return {"title": d.get("title", ""), "description": d.get("description", ""), "tags": list(d.get("tags") or []),
            "elements": elements, "layout": {"kind": "GridLayout", "spec": {"items": items}}}


def v2_to_classic(s: dict) -> dict:
    panels = []
    for item in ((s.get("layout") or {}).get("spec") or {}).get("items") or []:
        spec = item.get("spec") or {}
        element = (s.get("elements") or {}).get((spec.get("element") or {}).get("name"), {}).get("spec") or {}
        panels.append({"id": element.get("id"), "type": (element.get("vizConfig") or {}).get("kind", ""),
                       "title": element.get("title", ""), "description": element.get("description", ""),
                       "gridPos": {"x": spec.get("x", 0), "y": spec.get("y", 0), "w": spec.get("width", 12),
                                   "h": spec.get("height", 8)}})
    return {"title": s.get("title", ""), "description": s.get("description", ""), "tags": list(s.get("tags") or []),
            "panels": panels, "schemaVersion": LATEST_SCHEMA, "templating": {"list": []},
            "annotations": {"list": []}}


class ResourceAPI:
    """Mixed into :class:`tests.grafana_standin.StandInGrafana`, which holds the state and the lock."""

    def _apis(self, route: str, args: list[str], query: dict, payload, user: str) -> tuple[int, object]:
        if route == "GET /apis":
            return 200, {"kind": "APIGroupList", "apiVersion": "v1",
                         "groups": [self._group(name) for name in sorted(self.served)]}
        if route == "GET /apis/:group":
            if args[0] not in self.served:
                raise StatusFailure(404, "NotFound", "the server could not find the requested resource")
            return 200, {"kind": "APIGroup", "apiVersion": "v1", **self._group(args[0])}
        if route == "GET /apis/:group/:version":
            if args[1] not in self.served.get(args[0], ()):
                raise StatusFailure(404, "NotFound", "the server could not find the requested resource")
            resource = {GROUP: ("dashboards", "Dashboard"), FOLDER_GROUP: ("folders", "Folder")}.get(args[0])
            resources = [{"name": resource[0], "singularName": resource[1].lower(), "namespaced": True,
                          "kind": resource[1], "verbs": ["create", "delete", "get", "list", "update"]}
                         ] if resource else []
            return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{args[0]}/{args[1]}",
                         "resources": resources}
        group = GROUP if "dashboard.grafana.app" in route else FOLDER_GROUP
        version, namespace = args[0], args[1]
        if version not in self.served.get(group, ()):
            raise StatusFailure(404, "NotFound", "the server could not find the requested resource")
        if namespace != self.namespace:
            kind = "dashboards" if group == GROUP else "folders"
            raise StatusFailure(403, "Forbidden", f'{kind}.{group} is forbidden: User "{user}" cannot access '
                                f'resource "{kind}" in API group "{group}" in the namespace "{namespace}"',
                                group=group, kind=kind)
        name = args[2] if len(args) > 2 else None
        method = route.split(" ", 1)[0]
        return (self._dashboards if group == GROUP else self._folders)(method, version, name, query, payload, user)

    def _group(self, name: str) -> dict:
        versions = [{"groupVersion": f"{name}/{v}", "version": v} for v in self.served[name]]
        preferred = next((v for v in versions if v["version"] in ("v1", "v1beta1")), versions[0])
        return {"name": name, "versions": versions, "preferredVersion": preferred}

    # ------------------------------------------------------------------------------------------------------------
    # Dashboards

    def _dashboards(self, method, version, name, query, payload, user):
        if name is None and method == "GET":
            items = [self._dashboard_json(self.dashboards[u], version) for u in sorted(self.dashboards)]
            return 200, self._list("DashboardList", GROUP, version, items, query)
        if name is None:  # POST
            return 201, self._dashboard_json(self._write(version, None, payload, user), version)
        existing = self.dashboards.get(name)
        if method == "GET":
            if existing is None:
                raise not_found("dashboards", GROUP, name)
            return 200, self._dashboard_json(existing, version)
        if method == "PUT":
            return 200, self._dashboard_json(self._write(version, name, payload, user), version)
        if existing is None:  # DELETE
            raise not_found("dashboards", GROUP, name)
        wanted = ((payload or {}).get("preconditions") or {}).get("resourceVersion")
        if wanted and wanted != str(existing["rv"]):
            raise StatusFailure(409, "Conflict", f'Operation cannot be fulfilled on dashboards.{GROUP} "{name}": '
                                f"Precondition failed: ResourceVersion in precondition: {wanted}, ResourceVersion "
                                f"in object meta: {existing['rv']}", name=name, group=GROUP, kind="dashboards")
        if existing["provisioned"]:
            raise StatusFailure(403, "Forbidden", f'dashboards.{GROUP} "{name}" is forbidden: provisioned '
                                "dashboards cannot be deleted", name=name, group=GROUP, kind="dashboards")
        del self.dashboards[name]
        return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                     "details": {"name": name, "group": GROUP, "kind": "dashboards", "uid": existing["k8s_uid"]}}

    def _write(self, version: str, url_name: str | None, payload, user: str) -> dict:
        meta = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
        if payload.get("apiVersion") not in (None, f"{GROUP}/{version}"):
            raise StatusFailure(400, "BadRequest", f"the API version in the data ({payload.get('apiVersion')}) does "
                                f"not match the expected API version ({GROUP}/{version})")
        name = meta.get("name") or (meta.get("generateName") + new_uid()[-6:] if meta.get("generateName") else "")
        if url_name is not None and name != url_name:
            raise StatusFailure(400, "BadRequest", f"the name of the object ({name}) does not match the name on "
                                f"the URL ({url_name})")
        if not name:
            raise invalid("Dashboard", GROUP, "", "metadata.name", "Required value: name or generateName is required")
        if len(name) > 40 or not all(c.isalnum() or c in "-_" for c in name):
            raise invalid("Dashboard", GROUP, name, "metadata.name", "Invalid value: at most 40 letters, digits, "
                          "'-' and '_'", "FieldValueInvalid")
        spec = payload.get("spec")
        if not isinstance(spec, dict):
            raise invalid("Dashboard", GROUP, name, "spec", "Required value")
        if not str(spec.get("title") or "").strip():
            raise invalid("Dashboard", GROUP, name, "spec.title", "Required value: Dashboard title cannot be empty")
        existing = self.dashboards.get(name)
        if url_name is None:
            if existing is not None or name in self.folders:
                raise already_exists("dashboards", GROUP, name)
            if meta.get("resourceVersion"):
                raise StatusFailure(400, "BadRequest", "resourceVersion should not be set on objects to be created")
        else:
            if existing is None:
                raise not_found("dashboards", GROUP, name)
            if meta.get("resourceVersion") and meta["resourceVersion"] != str(existing["rv"]):
                raise conflict("dashboards", GROUP, name)
            if existing["provisioned"]:
                raise StatusFailure(403, "Forbidden", f'dashboards.{GROUP} "{name}" is forbidden: managed by '
                                    "classic-file (provisioned)", name=name, group=GROUP, kind="dashboards")
        notes = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in SERVER_ANNOTATIONS}
        folder = (meta.get("annotations") or {}).get(FOLDER) or ""
        if folder and folder not in self.folders:
            raise StatusFailure(400, "BadRequest", f"folder {folder} not found")
        message = (meta.get("annotations") or {}).get(MESSAGE) or ""
        if version in CLASSIC:  # Grafana's mutation hook: uid, id and version go, the schema is migrated
            stored = copy.deepcopy(strip(spec))
            if not isinstance(stored.get("schemaVersion"), int) or stored["schemaVersion"] < LATEST_SCHEMA:
                stored["schemaVersion"] = LATEST_SCHEMA
            v2, dash = None, {**stored, "uid": name}
            same = existing is not None and existing["v2"] is None and strip(existing["dashboard"]) == stored
        else:
            v2 = copy.deepcopy(spec)
            dash = {**v2_to_classic(v2), "uid": name}
            same = existing is not None and existing["v2"] == v2
        return self._store(dash, folder, existing, user, message=message, bump=not same, stored_version=version,
                           v2=v2, annotations=notes, labels=meta.get("labels") or {})

    def _dashboard_json(self, entry: dict, version: str) -> dict:
        stored = entry["stored_version"]
        status: dict = {}
        if (version in SCHEMA_V2) == (entry["v2"] is not None):
            spec = copy.deepcopy(entry["v2"]) if entry["v2"] is not None else strip(entry["dashboard"])
        elif entry.get("conversion_fails"):
            spec = {} if version in CLASSIC else {"title": "", "elements": {}, "layout": {"kind": "GridLayout"}}
            status = {"conversion": {"storedVersion": stored, "failed": True,
                                     "error": f"could not convert {stored} to {version}"}}
        else:
            spec = v2_to_classic(entry["v2"]) if version in CLASSIC else classic_to_v2(strip(entry["dashboard"]))
            status = {"conversion": {"storedVersion": stored, "failed": False}}
        by = f"user:{entry['updated_by']}" if entry["updated_by"] else ""
        notes = {**entry["annotations"], "grafana.app/createdBy": f"user:{entry['created_by']}",
                 "grafana.app/updatedBy": by, "grafana.app/updatedTimestamp": entry["updated"]}
        if entry["folder_uid"]:
            notes[FOLDER] = entry["folder_uid"]
        if entry["provisioned"]:
            notes.update({"grafana.app/managedBy": "classic-file", "grafana.app/managerId": "dashboards.json"})
        metadata = {"name": entry["dashboard"]["uid"], "namespace": self.namespace, "uid": entry["k8s_uid"],
                    "resourceVersion": str(entry["rv"]), "generation": entry["version"],
                    "creationTimestamp": entry["created"],
                    "labels": {**entry["labels"], "grafana.app/deprecatedInternalID": str(entry["id"])},
                    "annotations": notes}
        return {"kind": "Dashboard", "apiVersion": f"{GROUP}/{version}", "metadata": metadata, "spec": spec,
                "status": status}

    def _list(self, kind: str, group: str, version: str, items: list, query: dict) -> dict:
        try:
            limit = int((query.get("limit") or ["0"])[0])
            start = int((query.get("continue") or ["0"])[0] or 0)
        except ValueError:
            raise StatusFailure(400, "BadRequest", "invalid limit or continue token") from None
        end = len(items) if limit <= 0 else start + limit
        metadata = {"resourceVersion": str(self._rv)}
        if end < len(items):
            metadata["continue"] = str(end)
        return {"kind": kind, "apiVersion": f"{group}/{version}", "metadata": metadata, "items": items[start:end]}

    # ------------------------------------------------------------------------------------------------------------
    # Folders

    def _folders(self, method, version, name, query, payload, user):
        if name is None and method == "GET":
            items = [self._folder_resource(self.folders[u], version) for u in sorted(self.folders)]
            return 200, self._list("FolderList", FOLDER_GROUP, version, items, query)
        if name is None:  # POST
            meta = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
            uid = meta.get("name") or ""
            title = str((payload.get("spec") or {}).get("title") or "").strip()
            if not uid:
                raise invalid("Folder", FOLDER_GROUP, "", "metadata.name", "Required value")
            if not title:
                raise invalid("Folder", FOLDER_GROUP, uid, "spec.title", "Required value")
            if uid in self.folders or uid in self.dashboards:
                raise already_exists("folders", FOLDER_GROUP, uid)
            parent = (meta.get("annotations") or {}).get(FOLDER) or ""
            if parent and parent not in self.folders:
                raise StatusFailure(400, "BadRequest", f"parent folder {parent} not found")
            stamp = now()
            self.folders[uid] = {"id": next(self._ids), "uid": uid, "title": title, "parentUid": parent,
                                 "version": 1, "created": stamp, "updated": stamp, "createdBy": user,
                                 "updatedBy": user, "rv": self._next_rv()}
            return 201, self._folder_resource(self.folders[uid], version)
        folder = self.folders.get(name)
        if folder is None:
            raise not_found("folders", FOLDER_GROUP, name)
        if method == "GET":
            return 200, self._folder_resource(folder, version)
        if method == "DELETE":
            self._delete_folder(name)
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                         "details": {"name": name, "group": FOLDER_GROUP, "kind": "folders"}}
        raise HTTPFailure(405, "Method not allowed")

    def _folder_resource(self, f: dict, version: str) -> dict:
        notes = {"grafana.app/createdBy": f"user:{f['createdBy']}", "grafana.app/updatedBy": f"user:{f['updatedBy']}",
                 "grafana.app/updatedTimestamp": f["updated"]}
        if f.get("parentUid"):
            notes[FOLDER] = f["parentUid"]
        return {"kind": "Folder", "apiVersion": f"{FOLDER_GROUP}/{version}",
                "metadata": {"name": f["uid"], "namespace": self.namespace, "uid": f"folder-{f['id']}",
                             "resourceVersion": str(f["rv"]), "generation": f["version"],
                             "creationTimestamp": f["created"], "annotations": notes},
                "spec": {"title": f["title"]}, "status": {}}
