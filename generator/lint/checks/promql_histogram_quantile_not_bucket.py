"""promql/histogram-quantile-not-bucket: histogram_quantile() over a series that is not a histogram's ``_bucket``.

What it catches:
    histogram_quantile() whose input reads a histogram's ``_sum``/``_count``, a histogram's bare name, a gauge or
    a counter that has no ``le`` buckets.

Why it matters:
    Only ``_bucket`` series carry the cumulative counts per ``le`` that a quantile is computed from; anything
    else yields no result (or garbage).

Failing example:
    histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_count[5m])))

Passing example:
    histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))
"""

from ..promql import Call, selectors

NAME = "promql/histogram-quantile-not-bucket"
SEVERITY = "error"
ENTRY = "query"


def check(query, ctx):
    if query.node is None:
        return
    for node in query.nodes:
        if not (isinstance(node, Call) and node.func == "histogram_quantile" and len(node.args) == 2):
            continue
        for sel in selectors(node.args[1]):
            info = ctx.series(sel.name)
            histogram = ctx.catalog.metrics.get(sel.name or "")
            if histogram is not None and histogram.native:
                continue  # a native histogram: histogram_quantile() reads it whole
            if histogram is not None and histogram.type == "histogram":
                yield f"histogram_quantile() of `{sel.name}`: read the buckets, `{sel.name}_bucket`"
            elif info is not None and info.labels is not None and "le" not in info.labels \
                    and not _may_be_native(sel.name, info, ctx):
                hint = ""
                if info.metric is not None and info.metric.type == "histogram":
                    hint = f"; use `{info.metric.name}_bucket`"
                yield f"histogram_quantile() of `{sel.name}`, which has no `le` buckets{hint}"


def _may_be_native(name: str, info, ctx) -> bool:
    """A recorded series computed from series that are not ``_bucket`` counters nor catalog metrics may hold
    native histograms (``sum(rate(x_seconds[1m]))``), which need no ``le``."""
    rule = ctx.recordings.get(name) if info.recorded else None
    node = rule.query.node if rule is not None and rule.query is not None else None
    if node is None:
        return False
    return not any((s.name or "").endswith("_bucket") or ctx.catalog.series(s.name or "") is not None
                   for s in selectors(node))
