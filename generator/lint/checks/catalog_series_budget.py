"""catalog/series-budget: a metric whose worst-case series count (per scrape target) exceeds the budget.

What it catches:
    The product of the cardinalities of a metric's labels (declared values, or the declared bound), times the
    bucket count plus ``_sum``/``_count`` for histograms, above SERIES_BUDGET series per target. Target labels
    (job, instance) are left out: they multiply every metric alike. A metric whose ``series`` is given (the
    count ``catalog-import`` measured) is judged by that count instead of the worst case.

Why it matters:
    Every label combination is a series Prometheus keeps in memory; an unbounded or large label (a build
    version, a customer id) multiplies it until queries time out and the bill grows.

Failing example:
    labels:
      customer: {bound: 100000}
    metrics:
      http_requests_total: {labels: [handler, method, customer], ...}

Passing example:
    labels:
      tier: {values: [free, pro, enterprise]}
    metrics:
      http_requests_total: {labels: [handler, method, tier], ...}
"""

from ..problem import Hit

NAME = "catalog/series-budget"
SEVERITY = "warning"
ENTRY = "catalog"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`

SERIES_BUDGET = 10_000


def estimate(metric, catalog) -> int:
    if metric.series is not None:
        return metric.series
    count = 1
    for label in metric.labels:
        spec = catalog.labels.get(label)
        count *= max(spec.cardinality, 1) if spec else 1
    if metric.type == "histogram":
        count *= len(metric.buckets) + 1 + 2  # each bucket, +Inf, _sum and _count
    elif metric.type == "summary":
        count *= 2 + 3  # _sum, _count and a few quantiles
    return count


def check(entry, ctx):
    for metric in entry.catalog.metrics.values():
        estimated = estimate(metric, entry.catalog)
        if estimated > SERIES_BUDGET and metric.series is not None:
            yield Hit(f"{metric.name} exposes {estimated:,} series per target (measured), over the budget of "
                      f"{SERIES_BUDGET:,}; drop or bound a label", at=entry.metric_at(metric))
        elif estimated > SERIES_BUDGET:
            factors = [f"{label} {entry.catalog.labels[label].cardinality}" for label in metric.labels
                       if label in entry.catalog.labels]
            if metric.type == "histogram":
                factors.append(f"{len(metric.buckets) + 3} histogram series: {len(metric.buckets)} buckets, +Inf, "
                               "_sum, _count")
            elif metric.type == "summary":
                factors.append("5 summary series: _sum, _count, about 3 quantiles")
            factors = " × ".join(factors)
            yield Hit(f"{metric.name} may expose {estimated:,} series per target ({factors}), over the budget of "
                      f"{SERIES_BUDGET:,}; drop or bound a label", at=entry.metric_at(metric))
