"""OTLP into Prometheus 3: the real OpenTelemetry SDK (opentelemetry-exporter-otlp-proto-http, the `otel` extra)
pushes the GenAI instruments of traffic-genai-semconv.yml to Prometheus 3's OTLP receiver
(``--web.enable-otlp-receiver``), once per translation strategy, and the series Prometheus stores are read back.

What it proves (Prometheus 3.13.5, SDK 1.45.2):

- ``UnderscoreEscapingWithSuffixes`` (Prometheus' default) stores the names of the genai-semconv catalog (the
  Prometheus exporter's): ``gen_ai_client_operation_duration_seconds_bucket``, ``gen_ai_client_token_usage_*``,
  ``gen_ai_client_estimated_cost_USD_total``, labels ``gen_ai_operation_name``..., without the exporter's
  ``otel_scope_*`` labels (``promote_scope_metadata`` is off by default);
- ``NoUTF8EscapingWithSuffixes`` keeps the dots and still adds the unit and type suffixes with ``_``:
  ``gen_ai.client.operation.duration_seconds_bucket``, ``gen_ai.client.token.usage_bucket`` (a ``{token}``
  unit adds nothing), ``gen_ai.client.estimated_cost_USD_total``; labels ``gen_ai.operation.name``...; the
  quoted-UTF-8 query of such a name answers, and the linter parses it and knows the metric;
- ``le`` is a plain decimal over OTLP (``le="1"``, ``le="16"``), not the ``1.0`` of a scrape: what
  :func:`generator.bounds.otlp` says and promql/integer-le-matcher checks for a catalog with ``ingestion: otlp``;
- ``job`` and ``instance`` come from ``service.name`` and ``service.instance.id``; a resource attribute listed
  in ``promote_resource_attributes`` becomes a label of every series; the others are on ``target_info``.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests
from conftest import ROOT, tool

from generator import bounds
from generator.catalog import load_catalog
from generator.lint.promql import parse
from generator.live.procs import free_port

pytestmark = pytest.mark.live

otlp_http = pytest.importorskip("opentelemetry.exporter.otlp.proto.http.metric_exporter",
                                reason="the `otel` extra (opentelemetry-exporter-otlp-proto-http) is not installed")

BOUNDS = {"gen_ai.client.operation.duration": [0.01, 1, 10.24], "gen_ai.client.token.usage": [1, 4, 16]}
ATTRIBUTES = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "error.type": ""}


@pytest.fixture(params=["UnderscoreEscapingWithSuffixes", "NoUTF8EscapingWithSuffixes"])
def pushed(request, tmp_path):
    """(strategy, Prometheus URL) after one push of the GenAI instruments through the real SDK."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource

    strategy = request.param
    prometheus = tool("prometheus", "3")
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 15s}\n"
        f"otlp:\n  translation_strategy: {strategy}\n  promote_resource_attributes: [service.version]\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "log", "w") as log:
        proc = subprocess.Popen([prometheus.path, f"--config.file={tmp_path / 'prometheus.yml'}",
                                 f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
                                 "--web.enable-otlp-receiver"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if requests.get(url + "/-/ready", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        exporter = otlp_http.OTLPMetricExporter(endpoint=url + "/api/v1/otlp/v1/metrics")
        reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
        resource = Resource.create({"service.name": "ai-service", "service.instance.id": "host-1",
                                    "service.version": "1.2.3"})
        provider = MeterProvider(resource=resource, metric_readers=[reader])
        meter = provider.get_meter("ai-service.genai", "1.0.0")
        duration = meter.create_histogram("gen_ai.client.operation.duration", unit="s",
                                          explicit_bucket_boundaries_advisory=BOUNDS["gen_ai.client.operation.duration"])
        tokens = meter.create_histogram("gen_ai.client.token.usage", unit="{token}",
                                        explicit_bucket_boundaries_advisory=BOUNDS["gen_ai.client.token.usage"])
        cost = meter.create_counter("gen_ai.client.estimated_cost", unit="USD")
        duration.record(0.5, ATTRIBUTES)
        tokens.record(3, {**ATTRIBUTES, "gen_ai.token.type": "input"})
        cost.add(0.01, ATTRIBUTES)
        assert reader.force_flush(10_000)
        provider.shutdown()
        yield strategy, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _series(url: str) -> list[dict]:
    answer = requests.get(url + "/api/v1/series", params={"match[]": '{__name__=~".+"}'}, timeout=10).json()
    return answer["data"]


def test_names_labels_and_bounds_as_each_translation_stores_them(pushed):
    strategy, url = pushed
    series = _series(url)
    names = {s["__name__"] for s in series}
    dotted = strategy == "NoUTF8EscapingWithSuffixes"
    sep = "." if dotted else "_"
    stems = {f"gen_ai{sep}client{sep}operation{sep}duration_seconds", f"gen_ai{sep}client{sep}token{sep}usage"}
    expected = {stem + suffix for stem in stems for suffix in ("_bucket", "_sum", "_count")}
    expected |= {f"gen_ai{sep}client{sep}estimated_cost_USD_total", "target_info"}
    assert names == expected
    operation = "gen_ai.operation.name" if dotted else "gen_ai_operation_name"
    for s in series:
        assert s["job"] == "ai-service" and s["instance"] == "host-1", s
        assert s["service.version" if dotted else "service_version"] == "1.2.3", s
        if s["__name__"] != "target_info":
            assert s[operation] == "chat" and "error_type" not in s and "error.type" not in s, s
            assert not any(k.startswith("otel_scope") for k in s), s  # promote_scope_metadata is off
    if not dotted:  # the genai-semconv catalog's names (the Prometheus exporter's) are Prometheus' default over OTLP
        catalog = load_catalog(os.path.join(ROOT, "catalog", "genai-semconv"))
        assert names - {"target_info"} <= set(catalog.series_names)
    for instrument, stem in zip(sorted(BOUNDS), sorted(stems), strict=True):
        les = {s["le"] for s in series if s["__name__"] == stem + "_bucket"}
        assert les == {bounds.otlp(b) for b in BOUNDS[instrument]} | {"+Inf"}, (stem, les)
        assert "1" in les and "1.0" not in les  # plain decimals, unlike a scrape's FormatOpenMetricsFloat


def test_a_quoted_utf8_query_answers_and_the_linter_reads_it(pushed):
    strategy, url = pushed
    if strategy != "NoUTF8EscapingWithSuffixes":
        pytest.skip("dotted names exist under NoUTF8EscapingWithSuffixes only")
    query = 'sum by ("gen_ai.operation.name") ({"gen_ai.client.operation.duration_seconds_count"})'
    answer = requests.get(url + "/api/v1/query", params={"query": query}, timeout=10).json()
    assert answer["status"] == "success", answer
    assert [r["metric"] for r in answer["data"]["result"]] == [{"gen_ai.operation.name": "chat"}]
    node = parse(query)
    assert node.grouping == ("gen_ai.operation.name",)
    assert node.expr.name == "gen_ai.client.operation.duration_seconds_count"
