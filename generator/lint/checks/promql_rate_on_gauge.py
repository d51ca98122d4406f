"""promql/rate-on-gauge: rate(), irate(), increase() or resets() of a series that is not a counter.

What it catches:
    Counter functions applied to a gauge (``http_requests_in_flight``), to a summary's quantile series, or to a
    series a recording rule already turned into a rate.

Why it matters:
    These functions treat every decrease as a counter reset, so a gauge that goes down produces huge false
    increases; the numbers look plausible and are wrong. Use ``deriv()``/``delta()`` or ``*_over_time()`` for
    gauges.

Failing example:
    rate(http_requests_in_flight[5m])

Passing example:
    avg_over_time(http_requests_in_flight[5m])
"""

from ..promql import Call, Matrix, Selector, Subquery, unwrap

NAME = "promql/rate-on-gauge"
SEVERITY = "error"
ENTRY = "query"

COUNTER_FUNCTIONS = ("rate", "irate", "increase", "resets")


def check(query, ctx):
    if query.node is None:
        return
    for node in query.nodes:
        if not (isinstance(node, Call) and node.func in COUNTER_FUNCTIONS and node.args):
            continue
        arg = node.args[0]
        sel = arg.selector if isinstance(arg, Matrix) else None
        if isinstance(arg, Subquery) and isinstance(unwrap(arg.expr), Selector):
            sel = unwrap(arg.expr)
        if sel is None:
            continue
        info = ctx.series(sel.name)
        if info is None or info.type == "counter":
            continue
        what = "a series recorded by a rule (already a rate or ratio)" if info.recorded else f"a {info.type}"
        advice = "read it directly" if info.recorded else "use deriv(), delta() or avg_over_time() for gauges"
        yield f"{node.func}() of `{sel.name}`, which is {what}, not a counter; {advice}"
