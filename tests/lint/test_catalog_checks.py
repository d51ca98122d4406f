"""The catalog/* checks, on catalogs built in code (the loader refuses some of these mistakes itself)."""

from datetime import timedelta

from generator.catalog import Catalog, Label, Metric
from generator.lint.checks import catalog_counter_without_total, catalog_missing_unit_suffix, catalog_series_budget
from generator.lint.context import Context
from generator.lint.entries import CatalogEntry
from generator.lint.problem import Place, Scope

LABELS = {"feature": Label("feature", values=("a", "b")), "customer": Label("customer", bound=100_000)}


def _hits(module, *metrics):
    catalog = Catalog(timedelta(seconds=15), "job", {m.name: m for m in metrics}, LABELS)
    entry = CatalogEntry(catalog, Scope(Place("catalog.yml")))
    return [h if isinstance(h, str) else h.message for h in module.check(entry, Context(catalog))]


def test_counter_without_total():
    assert _hits(catalog_counter_without_total, Metric("ai_cost_dollars", "counter", "dollars", "h", ("feature",)))
    assert _hits(catalog_counter_without_total, Metric("ai_active_total", "gauge", "", "h", ()))
    assert not _hits(catalog_counter_without_total, Metric("ai_cost_dollars_total", "counter", "dollars", "h", ()))


def test_missing_unit_suffix():
    bad = _hits(catalog_missing_unit_suffix, Metric("ai_request_duration", "histogram", "seconds", "h", (), (1.0,)))
    assert bad and "ai_request_duration_seconds" in bad[0]
    assert not _hits(catalog_missing_unit_suffix,
                     Metric("ai_request_duration_seconds", "histogram", "seconds", "h", (), (1.0,)),
                     Metric("ai_cost_dollars_total", "counter", "dollars", "h", ()))


def test_series_budget():
    assert _hits(catalog_series_budget, Metric("ai_x_total", "counter", "", "h", ("feature", "customer")))
    assert not _hits(catalog_series_budget, Metric("ai_x_total", "counter", "", "h", ("feature",)))
