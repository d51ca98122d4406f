"""promql/raw-counter: a counter graphed or compared as it is, not through rate(), increase() or the like.

What it catches:
    Panel queries and alert expressions whose value comes straight from a counter series (``*_total``, a
    histogram's ``_bucket``/``_sum``/``_count``), possibly through sum(), arithmetic or a comparison. Counting
    series (``count``, ``absent``, ``group``) and counter functions (``rate``, ``irate``, ``increase``,
    ``resets``, ``changes``, ``timestamp``) are fine.

Why it matters:
    A counter only grows and restarts at zero when the process restarts: its raw value is the total since some
    unknown start. A graph of it is a ramp that says nothing, and a threshold on it fires once and never clears.

Failing example:
    sum by (handler) (http_request_errors_total) > 10

Passing example:
    sum by (handler) (increase(http_request_errors_total[10m])) > 10
"""

from ..promql import Aggregate, Binary, Call, Matrix, Node, Paren, Selector, String, Subquery, Unary, unwrap

NAME = "promql/raw-counter"
SEVERITY = "warning"
ENTRY = "query"

COUNTER_SAFE = ("rate", "irate", "increase", "resets", "changes", "absent", "absent_over_time",
                "present_over_time", "count_over_time", "timestamp", "vector", "time", "label_values")
NOT_VALUES = ("count", "count_values", "group")


def raw_counters(node: Node, ctx) -> list[Selector]:
    """Counter selectors whose raw value reaches the result of ``node``."""
    if isinstance(node, Selector):
        info = ctx.meant(node.name)
        return [node] if info is not None and info.type == "counter" else []
    if isinstance(node, Matrix):
        return raw_counters(node.selector, ctx)
    if isinstance(node, (Paren, Unary, Subquery)):
        return raw_counters(node.expr, ctx)
    if isinstance(node, Aggregate):
        return [] if node.op in NOT_VALUES else raw_counters(node.expr, ctx)
    if isinstance(node, Call):
        if node.func in COUNTER_SAFE:
            return []
        return [s for a in node.args if not isinstance(a, String) for s in raw_counters(a, ctx)]
    if isinstance(node, Binary):
        if node.op in ("and", "unless"):
            return raw_counters(node.lhs, ctx)
        return raw_counters(node.lhs, ctx) + raw_counters(node.rhs, ctx)
    return []


def check(query, ctx):
    if query.node is None or query.kind not in ("panel", "alert"):
        return
    seen = set()
    for node in query.nodes:  # histogram_quantile(0.95, x_bucket): all-time counts, one quantile per series
        if isinstance(node, Call) and node.func == "histogram_quantile" and len(node.args) == 2:
            arg = unwrap(node.args[1])
            info = ctx.meant(arg.name) if isinstance(arg, Selector) else None
            if info is not None and info.type == "counter" and arg.name.endswith("_bucket"):
                seen.add(arg.name)
                yield f"histogram_quantile() over the raw buckets `{arg.name}`: with no rate() it is the quantile " \
                      "of every observation since the process started, and with no `sum by (le)` one per series; " \
                      f"write histogram_quantile(0.95, sum by (le) (rate({info.name}[5m])))"
    for sel in raw_counters(query.node, ctx):
        if sel.name in seen:
            continue
        seen.add(sel.name)
        verb = "graphs" if query.kind == "panel" else "compares"
        yield f"{verb} the raw value of counter `{sel.name}`; wrap it in rate() or increase() " \
              f"(a counter's value is a total since the process started)"
