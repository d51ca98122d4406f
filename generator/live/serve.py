"""The workload's HTTP face: ``/metrics`` for Prometheus, ``/scenario`` to switch faults while it runs.

- ``GET /metrics`` — every catalog metric (prometheus-client's text format); 503 in the ``silence`` scenario.
- ``GET /scenario`` — the current scenario and the known ones, as JSON.
- ``POST /scenario/<name>`` (or ``GET /scenario?name=<name>``) — switch scenario; 404 for an unknown name.
- ``GET /-/ready`` — 200 once it serves.
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.core import (
    Metric as ClientMetric,
)

from .workload import Workload


class WorkloadCollector:
    """Turns the workload's state into prometheus-client metric families at each scrape."""

    def __init__(self, workload: Workload):
        self.workload = workload

    def describe(self):
        return []

    def collect(self):
        for metric, rows in self.workload.samples(time.time()):
            names = list(metric.labels)
            if metric.type == "counter":
                fam = CounterMetricFamily(metric.name, metric.help, labels=names)
                for _, labels, value in rows:
                    fam.add_metric([v for _, v in labels], value)
            elif metric.type == "gauge":
                fam = GaugeMetricFamily(metric.name, metric.help, labels=names)
                for _, labels, value in rows:
                    fam.add_metric([v for _, v in labels], value)
            elif metric.type == "histogram":
                fam = HistogramMetricFamily(metric.name, metric.help, labels=names)
                by_labels: dict = {}
                for name, labels, value in rows:
                    if name.endswith("_bucket"):
                        *base, (_, le) = labels
                        by_labels.setdefault(tuple(base), [[], 0.0])[0].append((le, value))
                    elif name.endswith("_sum"):
                        by_labels.setdefault(labels, [[], 0.0])[1] = value
                for labels, (buckets, total) in by_labels.items():
                    fam.add_metric([v for _, v in labels], buckets, total)
            else:  # summary: count and sum only
                fam = ClientMetric(metric.name, metric.help, "summary")
                for name, labels, value in rows:
                    fam.add_sample(name, dict(labels), value)
            yield fam


def make_handler(workload: Workload, registry: CollectorRegistry, log):
    class Handler(BaseHTTPRequestHandler):
        server_version = "ai-workload/1"

        def log_message(self, fmt, *args):  # one line per scenario change is enough; scrapes are not logged
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data) -> None:
            self._send(status, (json.dumps(data, sort_keys=True) + "\n").encode())

        def _scenario(self) -> dict:
            return {"scenario": workload.scenario.name, "since": workload.scenario_since,
                    "scenarios": {name: s.help for name, s in workload.scenarios.items()}}

        def _switch(self, name: str) -> None:
            try:
                workload.set_scenario(name)
            except KeyError:
                self._json(404, {"error": f"unknown scenario {name!r}", "scenarios": sorted(workload.scenarios)})
                return
            log(f"scenario: {name}")
            self._json(200, self._scenario())

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/metrics":
                if workload.scenario.silent:
                    self._send(503, b"silenced by the workload's scenario\n", "text/plain")
                    return
                workload.advance_to(time.time())  # an OpenTelemetry workload records on the way
                self._send(200, generate_latest(registry), CONTENT_TYPE_LATEST)
            elif url.path == "/scenario":
                name = parse_qs(url.query).get("name")
                if name:
                    self._switch(name[0])
                else:
                    self._json(200, self._scenario())
            elif url.path in ("/-/ready", "/-/healthy"):
                self._send(200, b"ready\n", "text/plain")
            else:
                self._json(404, {"error": "not found", "paths": ["/metrics", "/scenario", "/scenario/<name>"]})

        def do_POST(self):
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if url.path.startswith("/scenario/"):
                self._switch(url.path[len("/scenario/"):])
            else:
                self._json(404, {"error": "POST /scenario/<name>"})

        do_PUT = do_POST

    return Handler


def serve(workload: Workload, host: str, port: int, log=print) -> None:
    registry = getattr(workload, "registry", None)  # an OpenTelemetry workload: its exporter's registry
    if registry is None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(WorkloadCollector(workload))
    server = ThreadingHTTPServer((host, port), make_handler(workload, registry, log))
    server.daemon_threads = True
    log(f"workload: serving http://{host}:{server.server_port}/metrics (scenario {workload.scenario.name}, "
        f"speed {workload.speed:g}x)")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
