"""The stand-in Grafana's legacy HTTP API (``/api``), after Grafana 11's documented behaviour (``../shared/grafana``).

- ``GET /api/folders`` (``parentUid``, ``limit``, ``page``), ``POST /api/folders`` (``uid``, ``title``,
  ``parentUid``; 409 when the uid or the title under the same parent is taken), ``GET /api/folders/:uid``;
- ``POST /api/dashboards/db``: a new uid starts at version 1 and each save adds 1; saving over an existing uid
  without ``overwrite`` needs the stored ``version`` (otherwise 412 ``version-mismatch``); another dashboard with
  the same title in the folder gives 412 ``name-exists``; an unknown ``folderUid`` gives 400; provisioned
  dashboards cannot be saved (400);
- ``GET`` and ``DELETE /api/dashboards/uid/:uid`` (a dashboard stored as schema v2 answers 406, as Grafana 12 and 13
  do: "dashboard api version not supported, use /apis/… instead"), ``DELETE /api/folders/:uid`` (with its content);
- ``GET /api/search`` (``type``, ``folderUIDs``, ``tag``, ``query``, ``dashboardUIDs``, ``limit``, ``page``).

The storage here is the one both APIs share: a dashboard's version is also its ``/apis`` generation.
"""

from __future__ import annotations

from tests.grafana_standin_common import HTTPFailure, check_uid, new_uid, now, page, slugify


class LegacyAPI:
    """Mixed into :class:`tests.grafana_standin.StandInGrafana`, which holds the state and the lock."""

    def _legacy(self, route: str, args: list[str], query: dict, payload, user: str):
        if route == "GET /api/health":
            return {"commit": "standin", "database": "ok", "version": self.version}
        if route == "GET /api/folders":
            parent = (query.get("parentUid") or [""])[0]
            items = sorted((f for f in self.folders.values() if (f.get("parentUid") or "") == parent),
                           key=lambda f: f["title"].lower())
            hits = [{"id": f["id"], "uid": f["uid"], "title": f["title"],
                     **({"parentUid": f["parentUid"]} if f.get("parentUid") else {})} for f in items]
            return page(hits, query)
        if route == "POST /api/folders":
            return self._folder_json(self._create_folder(payload, user))
        if route == "GET /api/folders/:uid":
            folder = self.folders.get(args[0])
            if folder is None:
                raise HTTPFailure(404, "folder not found", "not-found")
            return self._folder_json(folder)
        if route == "DELETE /api/folders/:uid":
            folder = self.folders.get(args[0])
            if folder is None:
                raise HTTPFailure(404, "folder not found", "not-found")
            self._delete_folder(args[0])
            return {"id": folder["id"], "title": folder["title"], "message": f"Folder {folder['title']} deleted"}
        if route == "POST /api/dashboards/db":
            return self._save_dashboard(payload, user)
        if route == "GET /api/dashboards/uid/:uid":
            entry = self.dashboards.get(args[0])
            if entry is None:
                raise HTTPFailure(404, "Dashboard not found", "not-found")
            if entry["stored_version"].startswith("v2"):  # Grafana 12/13: the legacy API serves no schema v2
                raise HTTPFailure(406, "dashboard api version not supported, use /apis/dashboard.grafana.app/"
                                  f"{entry['stored_version']}/namespaces/{self.namespace}/dashboards/{args[0]} "
                                  "instead")
            # Stored dashboards are replaced on save, never changed in place: they go out as they are.
            return {"dashboard": entry["dashboard"], "meta": self._meta(entry)}
        if route == "DELETE /api/dashboards/uid/:uid":
            entry = self.dashboards.get(args[0])
            if entry is None:
                raise HTTPFailure(404, "Dashboard not found", "not-found")
            if entry["provisioned"]:
                raise HTTPFailure(400, "provisioned dashboard cannot be deleted", "provisioned-dashboard")
            del self.dashboards[args[0]]
            title = entry["dashboard"].get("title", "")
            return {"title": title, "message": f"Dashboard {title} deleted", "uid": args[0]}
        if route == "GET /api/search":
            return self._search(query)
        raise AssertionError(route)

    # ------------------------------------------------------------------------------------------------------------
    # Folders

    def _create_folder(self, payload: dict, user: str) -> dict:
        title = (payload.get("title") or "").strip()
        if not title:
            raise HTTPFailure(400, "folder title cannot be empty")
        uid = payload.get("uid") or new_uid()
        check_uid(uid)
        parent = payload.get("parentUid") or ""
        if parent and parent not in self.folders:
            raise HTTPFailure(404, "parent folder not found", "not-found")
        if uid in self.folders or uid in self.dashboards:
            raise HTTPFailure(409, "a folder or dashboard with the same uid already exists")
        for f in self.folders.values():
            if (f.get("parentUid") or "") == parent and f["title"].lower() == title.lower():
                raise HTTPFailure(409, "a folder with the same name already exists in the current location")
        stamp = now()
        folder = {"id": next(self._ids), "uid": uid, "title": title, "parentUid": parent, "version": 1,
                  "created": stamp, "updated": stamp, "createdBy": user, "updatedBy": user, "rv": self._next_rv()}
        self.folders[uid] = folder
        return folder

    def _delete_folder(self, uid: str) -> None:
        """Like Grafana: the folder goes with everything in it, sub-folders included."""
        for child in [f["uid"] for f in self.folders.values() if f.get("parentUid") == uid]:
            self._delete_folder(child)
        for dash_uid in [u for u, e in self.dashboards.items() if e["folder_uid"] == uid]:
            del self.dashboards[dash_uid]
        del self.folders[uid]

    def _folder_json(self, f: dict) -> dict:
        out = {"id": f["id"], "uid": f["uid"], "orgId": 1, "title": f["title"],
               "url": f"/dashboards/f/{f['uid']}/{slugify(f['title'])}", "hasAcl": False, "canSave": True,
               "canEdit": True, "canAdmin": True, "canDelete": True, "createdBy": f["createdBy"],
               "created": f["created"], "updatedBy": f["updatedBy"], "updated": f["updated"],
               "version": f["version"]}
        if f.get("parentUid"):
            out["parentUid"] = f["parentUid"]
            parents, uid = [], f["parentUid"]
            while uid:
                p = self.folders[uid]
                parents.insert(0, {"uid": p["uid"], "title": p["title"], "id": p["id"],
                                   "url": f"/dashboards/f/{p['uid']}/{slugify(p['title'])}"})
                uid = p.get("parentUid") or ""
            out["parents"] = parents
        return out

    # ------------------------------------------------------------------------------------------------------------
    # Dashboards

    def _save_dashboard(self, payload: dict, user: str) -> dict:
        dash = payload.get("dashboard")
        if not isinstance(dash, dict):
            raise HTTPFailure(400, "bad request data: dashboard is required")
        dash = dict(dash)  # the request's own JSON; a new top-level mapping is all _store changes
        title = dash.get("title")
        if not isinstance(title, str) or not title.strip():
            raise HTTPFailure(400, "Dashboard title cannot be empty", "empty-name")
        uid = dash.get("uid") or new_uid()
        check_uid(uid)
        folder_uid = payload.get("folderUid") or ""
        if folder_uid and folder_uid not in self.folders:
            raise HTTPFailure(400, "folder not found", "not-found")
        overwrite = bool(payload.get("overwrite"))
        existing = self.dashboards.get(uid)
        if uid in self.folders:
            raise HTTPFailure(400, "A folder/dashboard with the same uid already exists", "uid-exists")
        if existing is not None:
            if existing["provisioned"]:
                raise HTTPFailure(400, "Cannot save provisioned dashboard", "provisioned-dashboard")
            if not overwrite and dash.get("version") != existing["version"]:
                raise HTTPFailure(412, "The dashboard has been changed by someone else", "version-mismatch")
        if not overwrite:
            for other_uid, other in self.dashboards.items():
                if other_uid != uid and other["folder_uid"] == folder_uid and \
                        str(other["dashboard"].get("title", "")).lower() == title.lower():
                    raise HTTPFailure(412, "A dashboard with the same name in the folder already exists",
                                      "name-exists")
        dash["uid"] = uid
        entry = self._store(dash, folder_uid, existing, user, message=payload.get("message") or "")
        slug = slugify(title)
        return {"id": entry["id"], "uid": uid, "url": f"/d/{uid}/{slug}", "status": "success",
                "version": entry["version"], "slug": slug, "folderUid": folder_uid}

    def _store(self, dash: dict, folder_uid: str, existing: dict | None, user: str, *, provisioned=False,
               message: str = "", bump: bool = True, stored_version: str = "v0alpha1", v2: dict | None = None,
               annotations: dict | None = None, labels: dict | None = None) -> dict:
        """Store ``dash`` (the dashboard JSON as the legacy API shows it; for a schema v2 dashboard, what it converts
        to, its spec being ``v2``). ``bump``: the content changed, so the version (which is also the /apis
        generation) goes up; every change gets a new resourceVersion."""
        uid = dash.get("uid") or new_uid()
        stamp = now()
        if existing is None:
            entry = {"id": next(self._ids), "version": 1, "created": stamp, "created_by": user,
                     "provisioned": provisioned, "messages": [], "annotations": {}, "labels": {},
                     "k8s_uid": f"{uid}-{next(self._ids):08d}"}
        else:
            entry = existing
            entry["version"] += 1 if bump else 0
        dash.update(id=entry["id"], uid=uid, version=entry["version"])
        entry.update(dashboard=dash, folder_uid=folder_uid, updated=stamp, updated_by=user,
                     stored_version=stored_version, v2=v2, rv=self._next_rv())
        if annotations is not None:
            entry["annotations"] = dict(annotations)
        if labels is not None:
            entry["labels"] = dict(labels)
        entry["messages"].append(message)
        self.dashboards[uid] = entry
        return entry

    def _meta(self, entry: dict) -> dict:
        slug = slugify(entry["dashboard"].get("title", ""))
        uid = entry["dashboard"]["uid"]
        folder = self.folders.get(entry["folder_uid"])
        meta = {"type": "db", "canSave": not entry["provisioned"], "canEdit": True, "canAdmin": True,
                "canStar": True, "canDelete": True, "slug": slug, "url": f"/d/{uid}/{slug}",
                "expires": "0001-01-01T00:00:00Z", "created": entry["created"], "updated": entry["updated"],
                "updatedBy": entry["updated_by"], "createdBy": entry["created_by"], "version": entry["version"],
                "hasAcl": False, "isFolder": False, "folderId": folder["id"] if folder else 0,
                "folderUid": entry["folder_uid"], "folderTitle": folder["title"] if folder else "General",
                "folderUrl": f"/dashboards/f/{folder['uid']}/{slugify(folder['title'])}" if folder else "",
                "provisioned": entry["provisioned"], "provisionedExternalId": "dashboards.json"
                if entry["provisioned"] else ""}
        return meta

    def _search(self, query: dict) -> list[dict]:
        kind = (query.get("type") or [""])[0]
        folder_uids = {"" if u == "general" else u for v in query.get("folderUIDs", []) for u in v.split(",")}
        tags = query.get("tag", [])
        text = (query.get("query") or [""])[0].lower()
        wanted_uids = {u for v in query.get("dashboardUIDs", []) for u in v.split(",")}
        hits = []
        if kind in ("", "dash-folder") and not tags:
            for f in self.folders.values():
                if folder_uids and (f.get("parentUid") or "") not in folder_uids:
                    continue
                if (text and text not in f["title"].lower()) or (wanted_uids and f["uid"] not in wanted_uids):
                    continue
                hit = {"id": f["id"], "uid": f["uid"], "title": f["title"], "uri": f"db/{slugify(f['title'])}",
                       "url": f"/dashboards/f/{f['uid']}/{slugify(f['title'])}", "slug": "",
                       "type": "dash-folder", "tags": [], "isStarred": False, "sortMeta": 0}
                if f.get("parentUid"):
                    hit.update(self._folder_fields(f["parentUid"]))
                hits.append(hit)
        if kind in ("", "dash-db"):
            for uid, entry in self.dashboards.items():
                dash = entry["dashboard"]
                dash_tags = [t for t in dash.get("tags") or [] if isinstance(t, str)]
                if folder_uids and entry["folder_uid"] not in folder_uids:
                    continue
                if any(t not in dash_tags for t in tags):
                    continue
                if text and text not in str(dash.get("title", "")).lower():
                    continue
                if wanted_uids and uid not in wanted_uids:
                    continue
                slug = slugify(dash.get("title", ""))
                hit = {"id": entry["id"], "uid": uid, "title": dash.get("title", ""), "uri": f"db/{slug}",
                       "url": f"/d/{uid}/{slug}", "slug": "", "type": "dash-db", "tags": sorted(dash_tags),
                       "isStarred": False, "sortMeta": 0}
                if entry["folder_uid"]:
                    hit.update(self._folder_fields(entry["folder_uid"]))
                hits.append(hit)
        hits.sort(key=lambda h: (h["type"] != "dash-folder", h["title"].lower(), h["uid"]))
        return page(hits, query, default_limit=1000, max_limit=5000)

    def _folder_fields(self, uid: str) -> dict:
        f = self.folders[uid]
        return {"folderId": f["id"], "folderUid": uid, "folderTitle": f["title"],
                "folderUrl": f"/dashboards/f/{uid}/{slugify(f['title'])}"}
