"""The metric catalog loader: the real catalog loads, and every kind of mistake is named precisely."""

import textwrap

import pytest

from generator.catalog import load_catalog
from generator.errors import CatalogError
from tests.conftest import ROOT

GOOD = """
scrape_interval: 15s
forbidden_labels: [user_id]
target_labels: [job, instance]
labels:
  feature: {values: [chat, search]}
  job: {bound: 5}
  instance: {bound: 50}
  user_id: {bound: 1000000}
metrics:
  app_requests_total: {type: counter, unit: requests, help: Requests., labels: [feature]}
  app_duration_seconds: {type: histogram, unit: seconds, help: Duration., labels: [feature], buckets: [0.5, 1, 30]}
"""


def write(tmp_path, text, name="metrics.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_repository_catalog_has_every_product_metric():
    catalog = load_catalog(f"{ROOT}/catalog")
    for name in ("ai_requests_total", "ai_request_duration_seconds", "ai_tokens_total", "ai_errors_total",
                 "ai_active_requests", "ai_cost_dollars_total", "ai_tool_calls_total", "ai_guard_rejections_total",
                 "ai_component_up", "up"):
        assert name in catalog.metrics, name
    assert catalog.scrape_interval.total_seconds() == 15
    duration = catalog.metrics["ai_request_duration_seconds"]
    assert duration.type == "histogram" and duration.largest_finite_bucket >= 60
    assert catalog.labels["status"].values == ("success", "error")
    assert catalog.labels["tier"].values == ("free", "pro", "enterprise")
    assert {"user_id", "session_id", "request_id", "prompt", "email"} <= set(catalog.forbidden_labels)
    bucket = catalog.series("ai_request_duration_seconds_bucket")
    assert bucket.type == "counter" and "le" in bucket.labels and "instance" in bucket.labels
    for metric in catalog.metrics.values():
        for label in metric.labels:
            assert catalog.labels[label].cardinality > 0, (metric.name, label)


def test_a_good_catalog_file_loads(tmp_path):
    catalog = load_catalog(write(tmp_path, GOOD.replace("  user_id: {bound: 1000000}\n", "")))
    assert sorted(catalog.metrics) == ["app_duration_seconds", "app_requests_total"]


def test_forbidden_label_declared_is_rejected(tmp_path):
    with pytest.raises(CatalogError, match=r"label user_id: is a forbidden label"):
        load_catalog(write(tmp_path, GOOD))


BASE = GOOD.replace("  user_id: {bound: 1000000}\n", "")


@pytest.mark.parametrize("old, new, message", [
    ("type: counter", "type: countr", r"metric app_requests_total: unknown type 'countr'"),
    ("feature: {values: [chat, search]}", "feature: {help: no values}",
     r"label feature: declares neither `values` nor `bound`"),
    # a gate (generator.catalog.gates): the same check `lint` runs, once
    ("app_requests_total:", "app_requests:",
     r"\[catalog/counter-without-total\] metric app_requests: counter app_requests lacks `_total`"),
    (", buckets: [0.5, 1, 30]", "", r"metric app_duration_seconds: is a histogram without `buckets`"),
    ("labels: [feature]}\n  app_duration", "labels: [feature, user_id]}\n  app_duration",
     r"metric app_requests_total: uses forbidden label 'user_id'"),
    ("labels: [feature]}\n  app_duration", "labels: [feature, tenant]}\n  app_duration",
     r"uses label 'tenant', which is not declared"),
    ("buckets: [0.5, 1, 30]", "buckets: [1, 0.5, 30]", r"`buckets` must be strictly increasing"),
    ("scrape_interval: 15s", "scrape_interval: often", r"scrape_interval: 'often' is not a duration"),
    ("help: Requests.", "help: ''", r"metric app_requests_total: has no `help`"),
])
def test_each_mistake_is_named_with_file_and_metric(tmp_path, old, new, message):
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(CatalogError, match=message) as info:
        load_catalog(path)
    assert path in str(info.value)


def test_a_counter_its_exporter_exposes_without_total_is_declared_so(tmp_path):
    text = BASE.replace("app_requests_total: {type: counter,", "ceph_osd_op_r: {type: counter, total_suffix: false,")
    assert "ceph_osd_op_r" in load_catalog(write(tmp_path, text)).metrics
    gauge = BASE.replace("app_duration_seconds: {type: histogram,", "app_duration_seconds: {type: histogram, "
                         "total_suffix: false,")
    with pytest.raises(CatalogError, match=r"`total_suffix: false` is for a counter"):
        load_catalog(write(tmp_path, gauge))


def test_duplicate_metric_across_files_names_both(tmp_path):
    write(tmp_path, BASE, "a.yml")
    write(tmp_path, "metrics:\n  app_requests_total: {type: counter, unit: requests, help: Again., labels: []}\n",
          "b.yml")
    with pytest.raises(CatalogError, match=r"b.yml:2: error \[catalog/invalid\] metric app_requests_total: duplicate "
                       r"metric, already declared in .*a.yml"):
        load_catalog(str(tmp_path))


def test_all_mistakes_are_reported_at_once(tmp_path):
    text = BASE.replace("type: counter", "type: countr").replace(", buckets: [0.5, 1, 30]", "")
    with pytest.raises(CatalogError) as info:
        load_catalog(write(tmp_path, text))
    assert "unknown type" in str(info.value) and "without `buckets`" in str(info.value)


@pytest.mark.parametrize("text, message", [
    ("metrics: [1, 2]\n", "expected a mapping of metric name"),
    ("- just\n- a list\n", "expected a mapping with `metrics:`"),
    ("metrics: {a: [unclosed\n", "not valid YAML"),
])
def test_malformed_files_get_a_message_not_a_traceback(tmp_path, text, message):
    with pytest.raises(CatalogError, match=message):
        load_catalog(write(tmp_path, text))


def test_missing_catalog(tmp_path):
    with pytest.raises(CatalogError, match="catalog not found"):
        load_catalog(str(tmp_path / "nope"))
