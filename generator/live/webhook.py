"""The receiver Alertmanager notifies: every webhook it gets becomes one JSON line in a log file.

Each line is ``{"received_at": <unix seconds>, "path": ..., "payload": <Alertmanager's webhook body>}``, so a test
or a person can see which alerts reached Alertmanager's receiver and when.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(log_path: str):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "ai-webhook/1"

        def log_message(self, fmt, *args):
            pass

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            received = time.time()
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                payload = json.loads(body or b"null")
            except ValueError:
                self._reply(400, b"expected a JSON body\n")
                return
            line = json.dumps({"received_at": received, "path": self.path, "payload": payload}, sort_keys=True)
            with lock, open(log_path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            self._reply(200, b"ok\n")

        def do_GET(self):
            if self.path in ("/-/ready", "/-/healthy"):
                self._reply(200, b"ready\n")
            else:
                self._reply(404, b"POST Alertmanager webhooks here\n")

    return Handler


def serve(host: str, port: int, log_path: str, log=print) -> None:
    open(log_path, "a").close()
    server = ThreadingHTTPServer((host, port), make_handler(log_path))
    server.daemon_threads = True
    log(f"webhook: listening on http://{host}:{server.server_port}/, logging to {log_path}")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


def read(log_path: str) -> list[dict]:
    """Every notification logged so far (a torn last line, being written, is skipped)."""
    out = []
    try:
        with open(log_path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
    except FileNotFoundError:
        pass
    return out


def alerts(log_path: str, *, status: str | None = None, since: float = 0.0):
    """(received_at, alert) for each alert of each notification, optionally only ``firing`` or ``resolved``."""
    for note in read(log_path):
        if note["received_at"] < since:
            continue
        for alert in (note.get("payload") or {}).get("alerts", []):
            if status is None or alert.get("status") == status:
                yield note["received_at"], alert
