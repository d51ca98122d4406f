"""`python -m generator catalog-import`: a catalog draft from what a service really exposes.

Unit cases pin the draft's content (types, `_total`, buckets, bounds, warnings) and the merge (every line a person
wrote stays). The proof runs real servers on loopback: this project's workload, Prometheus's own /metrics and its
series API, and Debian's prometheus-node-exporter, whose mixin dashboards then lint against the imported catalog
with nothing but unknown-metric errors for metrics this machine's exporter lacks.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
import time

import pytest
import requests
from conftest import ROOT, content_with_naming, run_cli

from generator import exitcodes
from generator.catalog import load_catalog
from generator.importer.catalog import from_exposition
from generator.importer.catalog_yaml import merge, render
from generator.live.procs import spawn, stop, wait_ready
from generator.live.stack import HOST, free_port

REALWORLD = os.path.normpath(os.path.join(ROOT, "..", "shared", "realworld", "dashboards"))

TEXT = """\
# HELP app_requests_total Requests served.
# TYPE app_requests_total counter
app_requests_total{code="200",user_id="u1"} 3
app_requests_total{code="500",user_id="u2"} 1
# HELP legacy_ops Operations (a counter without _total).
# TYPE legacy_ops counter
legacy_ops{op="read"} 7
# HELP app_latency_seconds Latency.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{le="0.1"} 1
app_latency_seconds_bucket{le="1"} 2
app_latency_seconds_bucket{le="+Inf"} 3
app_latency_seconds_sum 2.5
app_latency_seconds_count 3
# TYPE owner_info gauge
owner_info{owner="a@example.com",version="1.2"} 1
mystery 4
"""

OPENMETRICS = """\
# TYPE jobs counter
# HELP jobs Jobs run.
jobs_total{queue="a"} 1.0
jobs_created{queue="a"} 1.7e9
# TYPE temp_celsius gauge
# UNIT temp_celsius celsius
temp_celsius 21.5
# EOF
"""


def _load(tmp_path, text: str):
    path = tmp_path / "metrics.yml"
    path.write_text(text)
    return load_catalog(str(path))


def test_a_prometheus_text_draft_has_types_units_buckets_bounds_and_warnings(tmp_path):
    seen = from_exposition(TEXT, "test")
    text = render(seen, "test")
    catalog = _load(tmp_path, text)
    requests_ = catalog.metrics["app_requests_total"]
    assert (requests_.type, requests_.labels, requests_.total_suffix) == ("counter", ("code", "user_id"), True)
    assert catalog.metrics["legacy_ops"].total_suffix is False and "total_suffix: false" in text
    latency = catalog.metrics["app_latency_seconds"]
    assert (latency.type, latency.unit, latency.buckets) == ("histogram", "seconds", (0.1, 1.0))
    assert catalog.metrics["mystery"].type == "gauge" and "exposed as unknown" in text
    assert catalog.labels["code"].values == ("200", "500")
    assert catalog.labels["user_id"].bound and not catalog.labels["user_id"].values
    assert "# warning: looks unbounded: its name (user_id)" in text
    assert "# warning: looks unbounded: its values are email addresses" in text
    assert catalog.labels["version"].bound  # one value seen: a property of this target
    assert "    # 2 series" in text  # app_requests_total
    assert render(from_exposition(TEXT, "test"), "test") == text  # deterministic


def test_an_openmetrics_draft_keeps_total_and_declared_units(tmp_path):
    catalog = _load(tmp_path, render(from_exposition(OPENMETRICS, "test"), "test"))
    assert catalog.metrics["jobs_total"].type == "counter" and catalog.metrics["jobs_total"].total_suffix
    assert catalog.metrics["temp_celsius"].unit == "celsius"


def test_a_merge_keeps_every_line_a_person_wrote(tmp_path):
    mine = ("# Our catalog. Careful with app_requests_total.\n"
            "target_labels: [job, instance]\n"
            "forbidden_labels: [user_id]\n\n"
            "labels:\n"
            "  code:\n    help: HTTP status code.\n    values: [\"200\"]  # only success so far\n\n"
            "metrics:\n"
            "  app_requests_total:\n    type: counter\n    unit: requests\n"
            "    help: Requests we serve, as the product team counts them.\n    labels: [code]\n")
    text, report = merge(mine, from_exposition(TEXT, "test"))
    old = mine.splitlines()
    new = text.splitlines()
    it = iter(new)
    assert all(any(line == n for n in it) for line in old), "a line of the original was lost or reordered"
    catalog = _load(tmp_path, text)
    assert catalog.metrics["app_requests_total"].help == "Requests we serve, as the product team counts them."
    assert catalog.labels["code"].values == ("200",)
    assert "app_latency_seconds" in catalog.metrics and "user_id" not in catalog.metrics["app_requests_total"].labels
    assert "label code: values seen that the catalog does not list (kept as written): 500" in report
    assert "metric app_requests_total: labels seen that the catalog does not list (kept as written): user_id" in report
    again, _ = merge(text, from_exposition(TEXT, "test"))
    assert again == text  # nothing more to add


# ---------------------------------------------------------------------------------------------------------------
# Real servers on loopback


@pytest.fixture
def started(tmp_path):
    procs = []

    def start(name: str, argv: list[str], ready: str, **kw):
        proc = spawn(name, argv, str(tmp_path / f"{name}.log"), **kw)
        procs.append(proc)
        wait_ready(proc, ready, 60)
        return proc

    yield start
    for proc in procs:
        stop(proc)


def _import(tmp_path, *args: str) -> str:
    out = tmp_path / "catalog.yml"
    result = run_cli("catalog-import", *args, "--out", str(out))
    assert result.returncode == exitcodes.OK, result.stderr
    return str(out)


def test_the_workload_comes_back_as_the_service_catalog(tmp_path, started):
    port = free_port()
    started("workload", [sys.executable, "-m", "generator", "workload", "--host", HOST, "--port", str(port)],
            f"http://{HOST}:{port}/metrics", cwd=ROOT)
    imported = load_catalog(_import(tmp_path, f"http://{HOST}:{port}/metrics"))
    service = load_catalog(os.path.join(ROOT, "catalog"))
    own = {n: m for n, m in service.metrics.items() if m.source == "service"}
    assert {n: m.type for n, m in own.items()} == {n: imported.metrics[n].type for n in own}
    for name, metric in own.items():
        assert set(imported.metrics[name].labels) == set(metric.labels), name
        assert imported.metrics[name].buckets == metric.buckets, name


# The streaming, cache and next-release token metrics of the GenAI naming (issue 23): recorded through the real
# OpenTelemetry SDK and served by its Prometheus exporter, they come back with the exporter's names, their type,
# their unit (`_seconds` for an instrument in `s`) and the conventions' advised buckets.
NEW_GENAI = ("gen_ai_client_operation_time_to_first_chunk_seconds",
             "gen_ai_client_operation_time_per_output_chunk_seconds",
             "gen_ai_client_inference_usage_input_tokens_total",
             "gen_ai_client_inference_usage_cache_read_input_tokens_total",
             "gen_ai_client_estimated_cache_savings_USD_total")


def test_a_service_on_the_real_sdk_comes_back_with_its_streaming_and_cache_metrics(tmp_path, started):
    (tmp_path / "content").mkdir()
    root = content_with_naming(tmp_path / "content", "genai-semconv")
    port = free_port()
    started("workload", [sys.executable, "-m", "generator", "workload", "--host", HOST, "--port", str(port)],
            f"http://{HOST}:{port}/metrics", cwd=root)
    imported = load_catalog(_import(tmp_path, f"http://{HOST}:{port}/metrics"))
    catalog = load_catalog(os.path.join(ROOT, "catalog", "genai-semconv"))
    for name in NEW_GENAI:
        got, want = imported.metrics[name], catalog.metrics[name]
        assert got.type == want.type, name
        assert got.buckets == want.buckets, name
        if want.type == "histogram":
            assert got.unit == "seconds", (name, got.unit)
        assert set(got.labels) <= set(want.labels) | {"job", "instance"}, name


def _prometheus(tmp_path, started) -> str:
    prometheus = shutil.which("prometheus")
    if not prometheus:
        pytest.skip("prometheus not installed (make tools)")
    port = free_port()
    url = f"http://{HOST}:{port}"
    (tmp_path / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n"
        f"  - job_name: prometheus\n    static_configs:\n      - targets: ['{HOST}:{port}']\n")
    started("prometheus", [prometheus, f"--config.file={tmp_path / 'prometheus.yml'}",
                           f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address={HOST}:{port}"],
            url + "/-/ready")
    return url


def test_prometheus_own_metrics_and_its_series_api_give_loadable_catalogs(tmp_path, started):
    url = _prometheus(tmp_path, started)
    direct = load_catalog(_import(tmp_path, url + "/metrics"))
    assert direct.metrics["prometheus_http_requests_total"].type == "counter"
    assert direct.metrics["prometheus_http_request_duration_seconds"].type == "histogram"
    assert direct.metrics["prometheus_http_request_duration_seconds"].buckets
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the first scrapes and their metadata
        found = requests.get(url + "/api/v1/series", params={"match[]": '{job="prometheus"}'}, timeout=5).json()
        if len(found["data"]) > 100:
            break
        time.sleep(1)
    os.remove(tmp_path / "catalog.yml")
    via_api = load_catalog(_import(tmp_path, "--prometheus", url, "--job", "prometheus"))
    assert via_api.metrics["prometheus_http_requests_total"].type == "counter"
    assert via_api.metrics["prometheus_http_request_duration_seconds"].type == "histogram"
    assert "up" in via_api.metrics  # the series Prometheus writes for the job
    shared = set(direct.metrics) & set(via_api.metrics)
    assert len(shared) > 100
    assert all(direct.metrics[n].type == via_api.metrics[n].type for n in shared)


def test_node_exporter_dashboards_lint_clean_but_for_metrics_this_exporter_lacks(tmp_path, started):
    exporter = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if not exporter:
        pytest.skip("prometheus-node-exporter not installed: `make tools` (apt-get install prometheus-node-exporter)")
    dashboards = sorted(glob.glob(os.path.join(REALWORLD, "*node-exporter__dashboards__node*.json")))
    if not dashboards:
        pytest.skip(f"node-exporter mixin dashboards not found in {REALWORLD}")
    port = free_port()
    metrics_url = f"http://{HOST}:{port}/metrics"
    started("node-exporter", [exporter, f"--web.listen-address={HOST}:{port}"], metrics_url)
    # `cluster` is what the mixin's multi-cluster setup attaches in Prometheus, not the exporter.
    catalog = _import(tmp_path, metrics_url, "--target-label", "cluster")
    load_catalog(catalog)
    exposed = requests.get(metrics_url, timeout=10).text
    result = run_cli("lint", "--format", "json", "--catalog", catalog, *dashboards)
    errors = [p for p in json.loads(result.stdout) if p["severity"] == "error"]
    assert {p["check"] for p in errors} <= {"promql/unknown-metric"}, [p["message"] for p in errors][:10]
    for p in errors:
        metric = p["message"].split("`")[1]
        assert f"\n{metric}" not in exposed and f"\n{metric}{{" not in exposed, metric  # really absent here
