"""promql/histogram-quantile-without-le: histogram_quantile() over series that no longer carry ``le``.

What it catches:
    ``histogram_quantile(q, sum by (handler) (rate(x_bucket[5m])))``: an aggregation inside histogram_quantile
    that drops the ``le`` label (``by`` without ``le``, ``without (le)``, or no grouping at all). Only classic
    histograms (``_bucket`` series, recorded ones included) are checked: a native histogram has no ``le``.

Why it matters:
    histogram_quantile needs one series per bucket boundary (``le``). Without it Prometheus returns nothing, so
    the latency panel is empty and the latency alert can never fire.

Failing example:
    histogram_quantile(0.95, sum by (handler) (rate(http_request_duration_seconds_bucket[5m])))

Passing example:
    histogram_quantile(0.95, sum by (handler, le) (rate(http_request_duration_seconds_bucket[5m])))
"""

from ..promql import Call, selectors

NAME = "promql/histogram-quantile-without-le"
SEVERITY = "error"
ENTRY = "query"


def check(query, ctx):
    if query.node is None:
        return
    for node in query.nodes:
        if isinstance(node, Call) and node.func == "histogram_quantile" and len(node.args) == 2:
            if not _reads_classic_buckets(node.args[1]):
                continue  # a native histogram (one series per histogram, no `le`)
            labels = query.labels_of(node.args[1], ctx)
            if labels is not None and "le" not in labels:
                yield "histogram_quantile() reads series without an `le` label, so it returns nothing; " \
                      "keep `le` in the aggregation: `sum by (..., le) (rate(..._bucket[...]))`"


def _reads_classic_buckets(node) -> bool:
    """True when the argument reads classic-histogram ``_bucket`` series (native histograms have no ``le``)."""
    return any((sel.name or "").endswith("_bucket") or "_bucket:" in (sel.name or "") for sel in selectors(node))
