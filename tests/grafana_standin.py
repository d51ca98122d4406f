"""A stand-in Grafana: a real HTTP server on loopback that keeps the rules of Grafana's HTTP APIs used by a push.

It is not a mock: clients talk HTTP to it over a socket, so timeouts, dropped connections, keep-alive and error
bodies happen for real. It serves, from one store of folders and dashboards:

- the legacy ``/api`` after Grafana 11's documented behaviour (:mod:`tests.grafana_standin_legacy`), switchable off
  (``legacy=False``: a Grafana 13 whose legacy API is removed);
- the ``/apis`` of Grafana 12 and 13 after Grafana's published OpenAPI description of the dashboard and folder apps
  (:mod:`tests.grafana_standin_apis`): discovery, namespaces, resourceVersion and generation, Kubernetes ``Status``
  bodies, and dashboards stored as schema v2 read through v1 (``status.conversion``). What ``/apis`` serves follows
  ``version`` (10: none; 11: no dashboards beyond ``v0alpha1``; 12; 13), or ``apis``;
- ``GET /api/health`` (no credentials needed); 401 without valid credentials (a bearer token or basic auth).

For tests and benchmarks it counts requests and writes, can record every exchange, can simulate someone editing a
dashboard in Grafana's UI (``edit_dashboard``, ``save_as_v2``), and injects faults: latency, any status
(500/502/503, 429 with ``Retry-After``), dropped connections before or after the request is applied.

Use::

    with StandInGrafana(token="t0ken", version="13.0.0", legacy=False) as grafana:
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.grafana_standin_apis import ResourceAPI, classic_to_v2, served_for, strip, v2_to_classic
from tests.grafana_standin_common import HTTPFailure, StatusFailure, now, slugify
from tests.grafana_standin_legacy import LegacyAPI

__all__ = ["Fault", "HTTPFailure", "StandInGrafana", "StatusFailure", "slugify"]

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


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


class StandInGrafana(LegacyAPI, ResourceAPI):
    def __init__(self, *, token: str | None = "standin-token", users: dict[str, str] | None = None,
                 host: str = "127.0.0.1", port: int = 0, latency: float = 0.0, record: bool = False,
                 version: str = "11.4.0", org_ids: tuple[int, ...] = (1,), legacy: bool = True,
                 apis: dict | bool | None = None, namespace: str = "default"):
        """``version`` picks what ``/apis`` serves (see :func:`served_for`), unless ``apis`` gives the groups and
        versions (``False``: no ``/apis``); ``legacy=False`` is a Grafana whose legacy ``/api`` is switched off."""
        self.token = token
        self.users = {"admin": "admin"} if users is None else dict(users)
        self.latency = latency
        self.record = record
        self.version = version
        self.org_ids = org_ids
        self.legacy = legacy
        served = served_for(version) if apis is None else (apis or None)
        self.apis_on = served is not None
        self.served = served or {}
        self.namespace = namespace
        self._rv = 1000
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
            entry.update(dashboard=dash, updated=now(), updated_by=user, rv=self._next_rv())
            return dash

    def save_as_v2(self, uid: str, change=None, *, user: str = "someone", version: str = "v2beta1") -> dict:
        """Simulate someone opening the dashboard in Grafana 13's editor and saving it as schema v2 (a new
        version); ``change(spec)`` edits the v2 spec first. Returns the v2 spec."""
        with self._lock:
            entry = self.dashboards[uid]
            spec = copy.deepcopy(entry["v2"]) if entry["v2"] is not None else classic_to_v2(strip(entry["dashboard"]))
            if change:
                change(spec)
            self._store({**v2_to_classic(spec), "uid": uid}, entry["folder_uid"], entry, user, stored_version=version,
                        v2=spec)
            return spec

    def fail_conversion(self, uid: str) -> None:
        """From now on, reading this dashboard through a version of the other schema fails to convert."""
        with self._lock:
            self.dashboards[uid]["conversion_fails"] = True

    def _next_rv(self) -> int:
        self._rv += 1
        return self._rv

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
        if route.startswith(("GET /api/", "POST /api/", "DELETE /api/")) and not self.legacy \
                and route != "GET /api/health":
            route = "404"  # a Grafana with the legacy API switched off
        if " /apis" in route and not self.apis_on:
            route = "404"  # a Grafana before 11: no /apis at all
        if route != "GET /api/health":
            user = self._user(headers)
            org = headers.get("X-Grafana-Org-Id")
            if org is not None and (not org.isdigit() or int(org) not in self.org_ids):
                raise HTTPFailure(401, f"User is not a member of organization {org}")
        else:
            user = ""
        if route == "405":
            raise HTTPFailure(405, "Method not allowed")
        if route == "404":
            raise HTTPFailure(404, "Not found")
        apis = " /apis" in route
        payload = None
        if method in ("POST", "PUT") or (apis and method == "DELETE" and body):
            try:
                payload = json.loads(body or b"null")
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                if apis:
                    raise StatusFailure(400, "BadRequest", "the body of the request was in an unknown format")
                raise HTTPFailure(400, "bad request data")
        with self._lock:
            if apis:
                status, result = self._apis(route, args, query, payload, user)
            else:
                status, result = 200, self._legacy(route, args, query, payload, user)
            if method in WRITE_METHODS:
                self.applied_writes += 1
        return status, result, {}


# ----------------------------------------------------------------------------------------------------------------
# Routing and the HTTP handler

_APIS_DASH = r"^/apis/dashboard\.grafana\.app/([^/]+)/namespaces/([^/]+)/dashboards"
_APIS_FOLDER = r"^/apis/folder\.grafana\.app/([^/]+)/namespaces/([^/]+)/folders"
_DASH = "/apis/dashboard.grafana.app/:version/namespaces/:ns/dashboards"
_FOLD = "/apis/folder.grafana.app/:version/namespaces/:ns/folders"
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
    ("GET", re.compile(r"^/apis$"), "GET /apis"),
    ("GET", re.compile(r"^/apis/([^/]+)$"), "GET /apis/:group"),
    ("GET", re.compile(r"^/apis/([^/]+)/([^/]+)$"), "GET /apis/:group/:version"),
    *[(m, re.compile(_APIS_DASH + "$"), f"{m} {_DASH}") for m in ("GET", "POST")],
    *[(m, re.compile(_APIS_DASH + "/([^/]+)$"), f"{m} {_DASH}/:name") for m in ("GET", "PUT", "DELETE")],
    *[(m, re.compile(_APIS_FOLDER + "$"), f"{m} {_FOLD}") for m in ("GET", "POST")],
    *[(m, re.compile(_APIS_FOLDER + "/([^/]+)$"), f"{m} {_FOLD}/:name") for m in ("GET", "DELETE")],
]
# route names, for tests counting requests
APIS_DASHBOARD, APIS_DASHBOARDS, APIS_FOLDERS = _DASH + "/:name", _DASH, _FOLD


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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # a client hanging up is not worth a traceback
        pass


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
