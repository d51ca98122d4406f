"""The GenAI catalog (catalog/genai-semconv) is what the real OpenTelemetry Prometheus exporter writes: the
workload of that naming records the GenAI instruments through the SDK (generator/live/otel.py), and every series
its exporter serves, with every label, is in the catalog, and every catalog metric of the service is served."""

from __future__ import annotations

import os
import time

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from generator.catalog import load_catalog
from generator.live.otel import OtelWorkload, representative
from generator.live.traffic_yaml import load_traffic
from tests.conftest import ROOT

pytestmark = pytest.mark.live

CATALOG = os.path.join(ROOT, "catalog", "genai-semconv")
TRAFFIC = os.path.join(ROOT, "traffic-genai-semconv.yml")
RUNTIME = ("python_", "process_")  # prometheus-client's default collectors, served beside the exporter's


@pytest.fixture
def scraped():
    catalog = load_catalog(CATALOG)
    now = time.time()
    workload = OtelWorkload(catalog, load_traffic(TRAFFIC, catalog), speed=60, start=now - 10)
    try:
        workload.set_scenario("error_spike", now - 5)
        workload.advance_to(now)
        text = generate_latest(workload.registry).decode()
    finally:
        workload.close()
    samples = [s for fam in text_string_to_metric_families(text) for s in fam.samples
               if not s.name.startswith(RUNTIME)]
    return catalog, text, samples


def test_every_series_the_exporter_serves_is_in_the_catalog(scraped):
    catalog, _, samples = scraped
    names = {s.name for s in samples}
    assert names == {
        "target_info",
        "gen_ai_client_operation_duration_seconds_bucket", "gen_ai_client_operation_duration_seconds_sum",
        "gen_ai_client_operation_duration_seconds_count",
        "gen_ai_client_token_usage_bucket", "gen_ai_client_token_usage_sum", "gen_ai_client_token_usage_count",
        "gen_ai_client_estimated_cost_USD_total",
        # streaming (semconv v1.41.0 and the next release's names) and the next release's token counters
        *(f"gen_ai_client_operation_{signal}_seconds_{part}" for signal in ("time_to_first_chunk",
          "time_per_output_chunk") for part in ("bucket", "sum", "count")),
        "gen_ai_client_inference_usage_input_tokens_total", "gen_ai_client_inference_usage_output_tokens_total",
        "gen_ai_client_inference_usage_cache_read_input_tokens_total",
        "gen_ai_client_estimated_cache_savings_USD_total",
    }
    for sample in samples:
        series = catalog.series(sample.name)
        assert series is not None, sample.name
        assert set(sample.labels) - {"le"} <= set(series.labels), (sample.name, sample.labels)
    # the next release's streaming histograms are in the catalog, not in the workload (traffic-genai-semconv.yml)
    own = {m.name for m in catalog.metrics.values() if m.source == "service"
           and not m.name.startswith("gen_ai_client_inference_time_")}
    assert {catalog.series(n).metric.name for n in names} == own


def test_the_exporter_adds_scope_labels_and_keeps_empty_error_type(scraped):
    _, text, samples = scraped
    durations = [s for s in samples if s.name == "gen_ai_client_operation_duration_seconds_count"]
    assert {s.labels["otel_scope_name"] for s in durations} == {"ai-service.genai"}
    assert {s.labels["otel_scope_version"] for s in durations} == {"1.0.0"}
    assert {s.labels["otel_scope_schema_url"] for s in durations} == {"https://opentelemetry.io/schemas/1.37.0"}
    errors = {s.labels["error_type"] for s in durations}
    assert "" in errors and "provider_error" in errors  # successes carry error_type="" (Prometheus drops it)
    assert 'error_type=""' in text
    tokens = {s.labels["gen_ai_token_type"] for s in samples if s.name == "gen_ai_client_token_usage_count"}
    assert tokens == {"input", "output"}
    [info] = [s for s in samples if s.name == "target_info"]
    assert info.labels["service_name"] == "ai-service" and info.labels["telemetry_sdk_language"] == "python"


def test_histograms_use_the_advised_buckets(scraped):
    catalog, _, samples = scraped
    for name in ("gen_ai_client_operation_duration_seconds", "gen_ai_client_token_usage"):
        les = {float(s.labels["le"]) for s in samples if s.name == f"{name}_bucket"}
        assert les == {*catalog.metrics[name].buckets, float("inf")}, name


def test_cost_and_operations_follow_the_simulation(scraped):
    _, _, samples = scraped
    operations = sum(s.value for s in samples if s.name == "gen_ai_client_operation_duration_seconds_count")
    cost = sum(s.value for s in samples if s.name == "gen_ai_client_estimated_cost_USD_total")
    # 13 operations per second at the daily mean (0.7x to 1.3x, plus jitter), 10 s at 60x: about 7800
    assert 3000 < operations < 14000
    assert cost > 0


def test_a_representative_value_lies_in_its_bucket():
    bounds = (0.01, 0.02, 0.04)
    assert [representative(bounds, b) for b in range(4)] == [0.005, 0.015, 0.03, 0.06]
