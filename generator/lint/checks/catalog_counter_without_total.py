"""catalog/counter-without-total: a counter whose name lacks ``_total``, or a non-counter that has it.

What it catches:
    Catalog metrics of type counter not ending in ``_total`` (the OpenTelemetry exporter appends it, so the
    series Prometheus stores is ``<name>_total``), and gauges, histograms or summaries ending in ``_total``.
    A counter its exporter really exposes without ``_total`` (Prometheus-text exporters older than OpenMetrics,
    e.g. Ceph's ``ceph_osd_op_r``) is declared with ``total_suffix: false`` and accepted. A gate: the catalog
    loader runs this check too and refuses what it reports (the rule lives here only).

Why it matters:
    Dashboards and alerts written against the catalog name would query a series that does not exist.

Failing example:
    payment_amount_dollars: {type: counter, unit: dollars, ...}

Passing example:
    payment_amount_dollars_total: {type: counter, unit: dollars, ...}
"""

from ..problem import Hit

NAME = "catalog/counter-without-total"
SEVERITY = "error"
ENTRY = "catalog"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`


def check(entry, ctx):
    for metric in entry.catalog.metrics.values():
        if metric.type == "counter" and not metric.name.endswith("_total") and metric.total_suffix:
            yield Hit(f"counter {metric.name} lacks `_total`; OpenTelemetry and OpenMetrics expose it as "
                      f"{metric.name}_total (an exporter that really exposes it without: `total_suffix: false`)",
                      at=entry.metric_at(metric))
        elif metric.type != "counter" and metric.name.endswith("_total"):
            yield Hit(f"{metric.type} {metric.name} ends in `_total`, which only counters do",
                      at=entry.metric_at(metric))
