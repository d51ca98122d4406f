"""A stand-in ruler: a real HTTP server on loopback keeping the documented rules of the Grafana Mimir ruler API
(the same API Cortex and Loki serve), after Mimir's HTTP API reference ("Ruler" section) and its ruler code:

- every request needs a tenant in ``X-Scope-OrgID``: without one, ``401`` with the text ``no org id``;
- ``GET  <api>`` all namespaces of the tenant, YAML ``{namespace: [group…]}``; none: ``404 no rule groups found``;
- ``GET  <api>/{ns}`` the namespace, YAML ``{ns: [group…]}``; unknown: ``404 no rule groups found``;
- ``GET  <api>/{ns}/{group}`` one group, YAML; unknown: ``404 group does not exist``;
- ``POST <api>/{ns}`` one group as YAML, ``202`` with ``{"status": "success"}``; a body that is not a group, a
  group without a name, or an expression PromQL cannot parse: ``400`` with ``{"status": "error",
  "errorType": "bad_data", "error": …}``;
- ``DELETE <api>/{ns}/{group}`` and ``DELETE <api>/{ns}``: ``202``; unknown: ``404``.

Durations are stored as Mimir stores them (``model.Duration``: ``120s`` reads back as ``2m``), so the client's
comparison has to normalise as it would against the real one. Optionally it stands for an authenticating gateway
in front of the ruler: a bearer ``token`` or ``user``/``password``, else ``401``; a token bound to ``tenants``
answers ``403`` for any other tenant.

Use::

    with StandInRuler(token="t0ken", tenants={"team-a"}) as ruler:
        ruler.url, ruler.rules, ruler.writes, ruler.count("POST")
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import promql_parser
import yaml

API = "/prometheus/config/v1/rules"


def _duration(value):
    if value in (None, ""):
        return value
    return promql_parser.display_duration(promql_parser.parse_duration(str(value)))


def _stored(group: dict) -> dict:
    out = dict(group)
    if "interval" in out:
        out["interval"] = _duration(out["interval"])
    rules = []
    for rule in out.get("rules") or []:
        rule = dict(rule)
        for key in ("for", "keep_firing_for"):
            if key in rule:
                rule[key] = _duration(rule[key])
        rules.append(rule)
    out["rules"] = rules
    return out


class StandInRuler:
    def __init__(self, *, token: str | None = None, user: str | None = None, password: str | None = None,
                 tenants: set[str] | None = None, api: str = API):
        self.token, self.user, self.password, self.tenants, self.api = token, user, password, tenants, api
        self.rules: dict[str, dict[str, dict[str, dict]]] = {}  # tenant -> namespace -> group name -> group
        self.requests: Counter = Counter()
        self.writes: list[tuple[str, str]] = []  # (method, path) of every accepted write
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def count(self, method: str) -> int:
        return self.requests[method]

    def start(self) -> StandInRuler:
        ruler = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with ruler.lock:
                    ruler.requests[self.command] += 1
                    status, ctype, payload = ruler.answer(self.command, self.path, self.headers, body)
                data = payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- the API -----------------------------------------------------------------------------------------------

    def _authorised(self, headers) -> tuple[int, str] | None:
        if self.token is None and self.user is None:
            return None
        auth = headers.get("Authorization") or ""
        if self.token is not None and auth == f"Bearer {self.token}":
            return None
        if self.user is not None and auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return 401, "invalid credentials"
            if (user, password) == (self.user, self.password):
                return None
        return 401, "invalid credentials"

    def answer(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, str, str]:
        text = "text/plain; charset=utf-8"
        refused = self._authorised(headers)
        if refused:
            return refused[0], text, refused[1] + "\n"
        tenant = headers.get("X-Scope-OrgID")
        if not tenant:
            return 401, text, "no org id\n"
        if self.tenants is not None and tenant not in self.tenants:
            return 403, text, f"tenant {tenant} is not allowed for these credentials\n"
        path = urlsplit(raw_path).path
        if not path.startswith(self.api):
            return 404, text, "404 page not found\n"
        parts = [unquote(p) for p in path[len(self.api):].split("/") if p]
        spaces = self.rules.setdefault(tenant, {})
        if method == "GET" and not parts:
            found = {ns: list(groups.values()) for ns, groups in sorted(spaces.items()) if groups}
            return (200, "application/yaml", yaml.safe_dump(found, sort_keys=False)) if found else \
                (404, text, "no rule groups found\n")
        if method == "GET" and len(parts) == 1:
            groups = spaces.get(parts[0])
            if not groups:
                return 404, text, "no rule groups found\n"
            return 200, "application/yaml", yaml.safe_dump({parts[0]: list(groups.values())}, sort_keys=False)
        if method == "GET" and len(parts) == 2:
            group = spaces.get(parts[0], {}).get(parts[1])
            if group is None:
                return 404, text, "group does not exist\n"
            return 200, "application/yaml", yaml.safe_dump(group, sort_keys=False)
        if method == "POST" and len(parts) == 1:
            problem = self._invalid(body)
            if problem:
                return 400, "application/json", json.dumps({"status": "error", "errorType": "bad_data",
                                                            "error": problem})
            group = _stored(yaml.safe_load(body))
            spaces.setdefault(parts[0], {})[group["name"]] = group
            self.writes.append((method, path))
            return 202, "application/json", json.dumps({"status": "success", "data": None, "errorType": "",
                                                        "error": ""})
        if method == "DELETE" and len(parts) in (1, 2):
            groups = spaces.get(parts[0])
            if not groups or (len(parts) == 2 and parts[1] not in groups):
                return 404, text, "group does not exist\n"
            if len(parts) == 2:
                del groups[parts[1]]
            else:
                groups.clear()
            self.writes.append((method, path))
            return 202, "application/json", json.dumps({"status": "success", "data": None, "errorType": "",
                                                        "error": ""})
        return 405, text, "method not allowed\n"

    @staticmethod
    def _invalid(body: bytes) -> str | None:
        try:
            group = yaml.safe_load(body)
        except yaml.YAMLError as e:
            return f"error unmarshalling YAML: {e}"
        if not isinstance(group, dict) or not isinstance(group.get("rules", []), list):
            return "error unmarshalling YAML: the body is not one rule group"
        if not group.get("name"):
            return "invalid rules config: rule group name must not be empty"
        for i, rule in enumerate(group.get("rules") or [], 1):
            if not isinstance(rule, dict) or bool(rule.get("alert")) == bool(rule.get("record")):
                return f"invalid rules config: rule {i}: one of 'record' or 'alert' must be set"
            try:
                promql_parser.parse(str(rule.get("expr") or ""))
            except Exception as e:  # the parser's own message is the answer
                return (f"group \"{group['name']}\", rule {i}, \"{rule.get('alert') or rule.get('record')}\": "
                        f"could not parse expression: {e}")
        return None
