"""The catalog's gates: its semantic rules, each defined here only. The loader refuses a catalog that breaks one
(a build fails on it), and the linter reports it under the same check name (``generator.lint.checks``), so the
rule is the same whether you build or lint.

A gate yields ``(metric, message)`` for every metric that breaks it; the caller places it at the metric.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .model import Catalog, Metric


def counter_without_total(catalog: Catalog) -> Iterator[tuple[Metric, str]]:
    """catalog/counter-without-total: a counter whose name lacks ``_total``, or a non-counter that has it."""
    for metric in catalog.metrics.values():
        if metric.type == "counter" and not metric.name.endswith("_total") and metric.total_suffix:
            yield metric, (f"counter {metric.name} lacks `_total`; OpenTelemetry and OpenMetrics expose it as "
                           f"{metric.name}_total (an exporter that really exposes it without: `total_suffix: false`)")
        elif metric.type != "counter" and metric.name.endswith("_total"):
            yield metric, f"{metric.type} {metric.name} ends in `_total`, which only counters do"


# Check name -> gate.
GATES: dict[str, Callable[[Catalog], Iterator[tuple[Metric, str]]]] = {
    "catalog/counter-without-total": counter_without_total,
}


def gate_findings(catalog: Catalog) -> list[tuple[str, Metric, str]]:
    """``(check name, metric, message)`` of every gate the catalog breaks."""
    return [(name, metric, message) for name, gate in GATES.items() for metric, message in gate(catalog)]
