"""promql/rate-of-sum: rate() (or irate/increase) of an aggregation, through a subquery.

What it catches:
    ``rate(sum(x_total)[5m:])`` and the like: a counter function applied to the result of sum(), max(), ...

Why it matters:
    When one of the summed counters resets, the sum drops and rate() takes the drop for a reset of the whole
    sum: a spike of nonsense. Take the rate first, then aggregate: ``sum(rate(x_total[5m]))``.

Failing example:
    rate(sum by (handler) (http_requests_total)[5m:])

Passing example:
    sum by (handler) (rate(http_requests_total[5m]))
"""

from ..promql import Aggregate, Call, Subquery, unwrap

NAME = "promql/rate-of-sum"
SEVERITY = "error"
ENTRY = "query"


def check(query, ctx):
    if query.node is None:
        return
    for node in query.nodes:
        if isinstance(node, Call) and node.func in ("rate", "irate", "increase") and node.args:
            arg = node.args[0]
            if isinstance(arg, Subquery) and isinstance(unwrap(arg.expr), Aggregate):
                yield f"{node.func}() of {unwrap(arg.expr).op}(...): counter resets of the parts break it; " \
                      f"aggregate the {node.func}() instead, e.g. {unwrap(arg.expr).op}({node.func}(x[5m]))"
