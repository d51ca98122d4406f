"""catalog/counter-without-total: a counter whose name lacks ``_total``, or a non-counter that has it.

What it catches:
    Catalog metrics of type counter not ending in ``_total`` (the OpenTelemetry exporter appends it, so the
    series Prometheus stores is ``<name>_total``), and gauges, histograms or summaries ending in ``_total``.
    A counter its exporter really exposes without ``_total`` (Prometheus-text exporters older than OpenMetrics,
    e.g. Ceph's ``ceph_osd_op_r``) is declared with ``total_suffix: false`` and accepted. A gate: the catalog
    loader runs this check too and refuses what it reports (the rule lives in generator.catalog.gates only).

Why it matters:
    Dashboards and alerts written against the catalog name would query a series that does not exist.

Failing example:
    payment_amount_dollars: {type: counter, unit: dollars, ...}

Passing example:
    payment_amount_dollars_total: {type: counter, unit: dollars, ...}
"""

from ...catalog.gates import GATES
from ..problem import Hit

NAME = "catalog/counter-without-total"
SEVERITY = "error"
ENTRY = "catalog"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`


def check(entry, ctx):
    for metric, message in GATES[NAME](entry.catalog):
        yield Hit(message, at=entry.metric_at(metric))
