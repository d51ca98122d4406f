"""A stand-in Grafana: a real HTTP server on loopback that keeps the rules of Grafana's HTTP API used by a push.

It is not a mock: clients talk HTTP to it over a socket, so timeouts, dropped connections, keep-alive and error
bodies happen for real. It implements, after Grafana 11's documented behaviour (``../shared/grafana``):

- ``GET /api/health`` (no credentials needed);
- ``GET /api/folders`` (``parentUid``, ``limit``, ``page``), ``POST /api/folders`` (``uid``, ``title``,
  ``parentUid``; 409 when the uid or the title under the same parent is taken), ``GET /api/folders/:uid``;
- ``POST /api/dashboards/db``: a new uid starts at version 1 and each save adds 1; saving over an existing uid
  without ``overwrite`` needs the stored ``version`` (otherwise 412 ``version-mismatch``); another dashboard with
  the same title in the folder gives 412 ``name-exists``; an unknown ``folderUid`` gives 400; provisioned
  dashboards cannot be saved (400);
- ``GET`` and ``DELETE /api/dashboards/uid/:uid``, ``DELETE /api/folders/:uid`` (with its content);
- ``GET /api/search`` (``type``, ``folderUIDs``, ``tag``, ``query``, ``dashboardUIDs``, ``limit``, ``page``);
- 401 without valid credentials (a bearer token or basic auth), ``{"message": …}`` error bodies with ``status``
  where Grafana sends one.

For tests and benchmarks it counts requests and writes, can record every exchange, can simulate someone editing a
dashboard in Grafana's UI, and injects faults: latency, any status (500/502/503, 429 with ``Retry-After``),
dropped connections before or after the request is applied.

Use::

    with StandInGrafana(token="t0ken") as grafana:
        ...  # grafana.url, grafana.dashboards, grafana.writes, grafana.inject("status", status=503)
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

UID_RE = re.compile(r"^[a-zA-Z0-9\-_]*$")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class HTTPFailure(Exception):
    def __init__(self, status: int, message: str, status_text: str | None = None):
        super().__init__(message)
        self.status, self.message, self.status_text = status, message, status_text

    def body(self) -> dict:
        out = {"message": self.message}
        if self.status_text:
            out["status"] = self.status_text
        return out


@dataclass
class Fault:
    """One injected fault, matched on method and path prefix, used ``times`` times (None: forever).

    kind: ``status`` (answer ``status`` without acting), ``drop`` (close the connection before acting),
    ``drop_after`` (act, then close without answering), ``status_after`` (act, then answer ``status``),
    ``delay`` (sleep ``delay`` seconds before acting; for client timeouts).
    """

    kind: str
    method: str | None = None
    path: str | None = None
    status: int = 503
    retry_after: str | None = None
    delay: float = 0.0
    times: int | None = 1

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.path is None or path.startswith(self.path))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class StandInGrafana:
    def __init__(self, *, token: str | None = "standin-token", users: dict[str, str] | None = None,
                 host: str = "127.0.0.1", port: int = 0, latency: float = 0.0, record: bool = False,
                 version: str = "11.4.0", org_ids: tuple[int, ...] = (1,)):
        self.token = token
        self.users = {"admin": "admin"} if users is None else dict(users)
        self.latency = latency
        self.record = record
        self.version = version
        self.org_ids = org_ids
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self.folders: dict[str, dict] = {}
        self.dashboards: dict[str, dict] = {}  # uid -> {"dashboard", "folder_uid", "version", "id", ...}
        self.faults: list[Fault] = []
        self.reset_counters()
        self._server = _Server((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------------------------------------------
    # Lifecycle

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> StandInGrafana:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="standin-grafana", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> StandInGrafana:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------------------------
    # For tests and benchmarks

    def reset_counters(self) -> None:
        with self._lock:
            self.requests: Counter = Counter()  # "METHOD /route/template" -> count
            self.writes = 0  # requests with a write method, whatever their outcome
            self.applied_writes = 0  # writes that changed the state
            self.log: list[tuple[str, str, int]] = []  # (method, path, status)
            self.exchanges: list[dict] = []

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def inject(self, kind: str, **kwargs) -> Fault:
        fault = Fault(kind, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def edit_dashboard(self, uid: str, change, *, user: str = "someone") -> dict:
        """Simulate an edit saved in Grafana's UI: ``change(dashboard)`` mutates it; a new version is stored."""
        with self._lock:
            entry = self.dashboards[uid]
            dash = copy.deepcopy(entry["dashboard"])
            change(dash)
            entry["version"] += 1
            dash["version"] = entry["version"]
            entry.update(dashboard=dash, updated=_now(), updated_by=user)
            return dash

    def add_dashboard(self, dashboard: dict, *, folder_uid: str = "", provisioned: bool = False,
                      user: str = "someone") -> dict:
        """Put a dashboard in place directly, as if someone created (or provisioned) it by hand."""
        with self._lock:
            return self._store(copy.deepcopy(dashboard), folder_uid, None, user, provisioned=provisioned)

    def add_folder(self, title: str, *, uid: str | None = None, parent_uid: str | None = None) -> dict:
        with self._lock:
            return self._create_folder({"title": title, "uid": uid, "parentUid": parent_uid}, "someone")

    def folder_path(self, uid: str) -> list[str]:
        titles = []
        while uid:
            f = self.folders[uid]
            titles.insert(0, f["title"])
            uid = f.get("parentUid") or ""
        return titles

    # ------------------------------------------------------------------------------------------------------------
    # Request handling (called from the server's threads)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _user(self, headers) -> str:
        auth = headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            if self.token is not None and auth[len("Bearer "):] == self.token:
                return "sa-standin"
            raise HTTPFailure(401, "Invalid API key")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[len("Basic "):]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                raise HTTPFailure(401, "Invalid Basic Auth Header") from None
            if user in self.users and self.users[user] == password:
                return user
            raise HTTPFailure(401, "Invalid username or password")
        raise HTTPFailure(401, "Unauthorized")

    def handle(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, object, dict]:
        parts = urlsplit(raw_path)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query, keep_blank_values=True)
        route, args = _route(method, path)
        if route != "GET /api/health":
            user = self._user(headers)
            org = headers.get("X-Grafana-Org-Id")
            if org is not None and (not org.isdigit() or int(org) not in self.org_ids):
                raise HTTPFailure(401, f"User is not a member of organization {org}")
        else:
            user = ""
        payload = None
        if method in ("POST", "PUT") and route not in ("404", "405"):
            try:
                payload = json.loads(body or b"null")
            except ValueError:
                raise HTTPFailure(400, "bad request data") from None
            if not isinstance(payload, dict):
                raise HTTPFailure(400, "bad request data")
        with self._lock:
            result = self._dispatch(route, args, query, payload, user)
            if method in WRITE_METHODS:
                self.applied_writes += 1
        return 200, result, {}

    def _dispatch(self, route: str, args: list[str], query: dict, payload, user: str):
        if route == "GET /api/health":
            return {"commit": "standin", "database": "ok", "version": self.version}
        if route == "GET /api/folders":
            parent = (query.get("parentUid") or [""])[0]
            items = sorted((f for f in self.folders.values() if (f.get("parentUid") or "") == parent),
                           key=lambda f: f["title"].lower())
            hits = [{"id": f["id"], "uid": f["uid"], "title": f["title"],
                     **({"parentUid": f["parentUid"]} if f.get("parentUid") else {})} for f in items]
            return _page(hits, query)
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
        if route.startswith("405"):
            raise HTTPFailure(405, "Method not allowed")
        raise HTTPFailure(404, "Not found")

    # ------------------------------------------------------------------------------------------------------------
    # Folders

    def _create_folder(self, payload: dict, user: str) -> dict:
        title = (payload.get("title") or "").strip()
        if not title:
            raise HTTPFailure(400, "folder title cannot be empty")
        uid = payload.get("uid") or _new_uid()
        _check_uid(uid)
        parent = payload.get("parentUid") or ""
        if parent and parent not in self.folders:
            raise HTTPFailure(404, "parent folder not found", "not-found")
        if uid in self.folders or uid in self.dashboards:
            raise HTTPFailure(409, "a folder or dashboard with the same uid already exists")
        for f in self.folders.values():
            if (f.get("parentUid") or "") == parent and f["title"].lower() == title.lower():
                raise HTTPFailure(409, "a folder with the same name already exists in the current location")
        now = _now()
        folder = {"id": next(self._ids), "uid": uid, "title": title, "parentUid": parent, "version": 1,
                  "created": now, "updated": now, "createdBy": user, "updatedBy": user}
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
        uid = dash.get("uid") or _new_uid()
        _check_uid(uid)
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
               message: str = "") -> dict:
        uid = dash.get("uid") or _new_uid()
        now = _now()
        if existing is None:
            entry = {"id": next(self._ids), "version": 1, "created": now, "created_by": user,
                     "provisioned": provisioned, "messages": []}
        else:
            entry = existing
            entry["version"] += 1
        dash.update(id=entry["id"], uid=uid, version=entry["version"])
        entry.update(dashboard=dash, folder_uid=folder_uid, updated=now, updated_by=user)
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
        return _page(hits, query, default_limit=1000, max_limit=5000)

    def _folder_fields(self, uid: str) -> dict:
        f = self.folders[uid]
        return {"folderId": f["id"], "folderUid": uid, "folderTitle": f["title"],
                "folderUrl": f"/dashboards/f/{uid}/{slugify(f['title'])}"}


# ----------------------------------------------------------------------------------------------------------------
# Routing and the HTTP handler

_ROUTES = [
    ("GET", re.compile(r"^/api/health$"), "GET /api/health"),
    ("GET", re.compile(r"^/api/folders$"), "GET /api/folders"),
    ("POST", re.compile(r"^/api/folders$"), "POST /api/folders"),
    ("GET", re.compile(r"^/api/folders/([^/]+)$"), "GET /api/folders/:uid"),
    ("DELETE", re.compile(r"^/api/folders/([^/]+)$"), "DELETE /api/folders/:uid"),
    ("POST", re.compile(r"^/api/dashboards/db$"), "POST /api/dashboards/db"),
    ("GET", re.compile(r"^/api/dashboards/uid/([^/]+)$"), "GET /api/dashboards/uid/:uid"),
    ("DELETE", re.compile(r"^/api/dashboards/uid/([^/]+)$"), "DELETE /api/dashboards/uid/:uid"),
    ("GET", re.compile(r"^/api/search$"), "GET /api/search"),
]


def _route(method: str, path: str) -> tuple[str, list[str]]:
    from urllib.parse import unquote
    path_matched = False
    for m, pattern, name in _ROUTES:
        found = pattern.match(path)
        if found:
            path_matched = True
            if m == method:
                return name, [unquote(g) for g in found.groups()]
    return ("405" if path_matched else "404"), []


def _page(items: list, query: dict, default_limit: int = 1000, max_limit: int = 5000) -> list:
    try:
        limit = int((query.get("limit") or [default_limit])[0])
        page = int((query.get("page") or [1])[0])
    except ValueError:
        raise HTTPFailure(400, "invalid limit or page") from None
    limit = max(1, min(limit, max_limit))
    page = max(1, page)
    return items[(page - 1) * limit: page * limit]


def _check_uid(uid) -> None:
    if not isinstance(uid, str):
        raise HTTPFailure(400, "uid must be a string")
    if len(uid) > 40:
        raise HTTPFailure(400, "uid too long, max 40 characters", "uid-too-long")
    if not UID_RE.match(uid):
        raise HTTPFailure(400, "uid contains illegal characters", "illegal-uid")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # a client hanging up is not worth a traceback
        pass


_uid_counter = itertools.count(1)


def _new_uid() -> str:
    return f"standin{next(_uid_counter):06d}"


def _handler_for(grafana: StandInGrafana):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "StandInGrafana/1"
        # Headers and body go out in separate writes; without TCP_NODELAY each response waits for the client's
        # delayed ACK (40 ms), which Grafana (Go sets TCP_NODELAY) never does.
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet: tests read grafana.log instead
            pass

        def _serve(self):
            method = self.command
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            route, _ = _route(method, path.rstrip("/") or "/")
            with grafana._lock:
                grafana.requests[route if not route.isdigit() else f"{method} {path}"] += 1
                if method in WRITE_METHODS:
                    grafana.writes += 1
            if grafana.latency:
                time.sleep(grafana.latency)
            fault = grafana._take_fault(method, path)
            if fault and fault.kind == "delay":
                time.sleep(fault.delay)
            if fault and fault.kind == "drop":
                return self._drop(method, path)
            if fault and fault.kind == "status":
                return self._answer(method, path, fault.status, {"message": f"injected {fault.status}"},
                                    {"Retry-After": fault.retry_after} if fault.retry_after else {}, body)
            try:
                status, result, headers = grafana.handle(method, self.path, self.headers, body)
            except HTTPFailure as failure:
                status, result, headers = failure.status, failure.body(), {}
            except Exception as e:  # a bug in the stand-in: answer like Grafana would, and keep serving
                status, result, headers = 500, {"message": f"internal error: {type(e).__name__}: {e}"}, {}
            if fault and fault.kind == "drop_after":
                return self._drop(method, path)
            if fault and fault.kind == "status_after":
                return self._answer(method, path, fault.status, {"message": f"injected {fault.status}"},
                                    {"Retry-After": fault.retry_after} if fault.retry_after else {}, body)
            self._answer(method, path, status, result, headers, body)

        def _answer(self, method, path, status, result, headers, request_body):
            data = json.dumps(result).encode("utf-8")
            with grafana._lock:
                grafana.log.append((method, path, status))
                if grafana.record:
                    try:
                        request_json = json.loads(request_body) if request_body else None
                    except ValueError:
                        request_json = None
                    grafana.exchanges.append({"method": method, "path": path, "query": urlsplit(self.path).query,
                                              "request": request_json, "status": status, "response": result})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _drop(self, method, path):
            with grafana._lock:
                grafana.log.append((method, path, 0))
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return Handler
