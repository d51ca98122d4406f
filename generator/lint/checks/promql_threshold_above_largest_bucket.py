"""promql/threshold-above-largest-bucket: a quantile compared with a value it can never reach.

What it catches:
    ``histogram_quantile(...) > C`` (directly, or through a recorded series of it) where ``C`` is at or above the
    histogram's largest finite bucket bound in the catalog.

Why it matters:
    When a quantile falls in the ``+Inf`` bucket, histogram_quantile returns the largest finite bound; it never
    returns more. A latency alert with a threshold above that bound never fires, however slow the service is.

Failing example:
    histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 300

Passing example:
    histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 5
"""

from ..promql import Binary, number

NAME = "promql/threshold-above-largest-bucket"
SEVERITY = "error"
ENTRY = "query"

FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


def check(query, ctx):
    if query.node is None:
        return
    for node in query.nodes:
        if not (isinstance(node, Binary) and node.op in FLIP):
            continue
        for side, other, op in ((node.lhs, node.rhs, node.op), (node.rhs, node.lhs, FLIP[node.op])):
            threshold = number(other)
            if threshold is None or op not in (">", ">="):
                continue
            metric = ctx.quantile_metric(side)
            largest = metric.largest_finite_bucket if metric is not None else None
            if largest is None:
                continue
            if threshold > largest or (op == ">" and threshold == largest):
                hint = ""
                if metric.unit == "seconds" and threshold >= 1000 and threshold / 1000 <= largest:
                    hint = f"; `{metric.name}` is in seconds: {threshold:g} reads like milliseconds, " \
                           f"did you mean {threshold / 1000:g}?"
                yield f"compares a quantile of `{metric.name}` {op} {threshold:g}, but its largest finite bucket " \
                      f"is {largest:g}: histogram_quantile never returns more, so this never holds; lower the " \
                      f"threshold or add buckets{hint}"
