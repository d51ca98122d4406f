"""catalog/missing-unit-suffix: a metric with a unit whose name does not carry it.

What it catches:
    Catalog metrics with a non-empty ``unit`` whose name does not contain ``_<unit>`` (before ``_total``), e.g.
    ``http_request_duration`` with unit ``seconds``. The OpenTelemetry exporter appends the unit, so the series is
    really called ``http_request_duration_seconds``.

Why it matters:
    The catalog must name what Prometheus stores; otherwise every query written from it is empty. A unit in the
    name also tells readers what the number means.

Failing example:
    http_request_duration: {type: histogram, unit: seconds, ...}

    A unit in curly braces (``{token}``, an annotation in UCUM) adds nothing to the name: the exporter drops it.

Passing example:
    http_request_duration_seconds: {type: histogram, unit: seconds, ...}
"""

from ..problem import Hit

NAME = "catalog/missing-unit-suffix"
SEVERITY = "error"
ENTRY = "catalog"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`


def check(entry, ctx):
    for metric in entry.catalog.metrics.values():
        unit = metric.unit.strip()
        if not unit or metric.source == "prometheus" or (unit.startswith("{") and unit.endswith("}")):
            continue
        base = metric.name[: -len("_total")] if metric.name.endswith("_total") else metric.name
        if f"_{unit}_" not in f"{base}_":
            yield Hit(f"{metric.name} has unit {unit!r} but its name lacks `_{unit}`; the exporter exposes it as "
                      f"{base}_{unit}{'_total' if metric.type == 'counter' else ''}", at=entry.metric_at(metric))
