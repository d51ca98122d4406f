"""alert/unguarded-division: an alert on a ratio with no guard against zero or low traffic.

What it catches:
    Alert expressions whose compared value is a division by traffic (``errors / requests > 0.05``: a rate or
    increase, or a recorded one), or a recorded ratio, with no guard: no ``and <traffic> > N`` (or ``>=``), no
    ``clamp_min()`` and no filter on the denominator. Division by a constant (``/ 60``) or a gauge is not checked.

Why it matters:
    With no traffic the ratio is 0/0 (no alert, however broken the service), errors without requests give x/0 =
    +Inf (a page), and one failure in two requests is a 50% error rate that pages at 3 a.m.

Failing example:
    sum(rate(http_requests_total{status="error"}[5m])) / sum(rate(http_requests_total[5m])) > 0.05

Passing example:
    sum(rate(http_requests_total{status="error"}[5m])) / sum(rate(http_requests_total[5m])) > 0.05
    and sum(rate(http_requests_total[5m])) >= 0.05
"""

from ..promql import Aggregate, Binary, Call, Node, Selector, unwrap, walk

NAME = "alert/unguarded-division"
SEVERITY = "warning"
ENTRY = "rule"

CLAMPS = ("clamp_min", "clamp", "max_over_time")


def _guarded_denominator(node: Node) -> bool:
    for n in walk(node):
        if isinstance(n, Call) and n.func in CLAMPS:
            return True
        if isinstance(n, Binary) and ((n.is_comparison and not n.bool) or n.op == "or"):
            return True
    return False


TRAFFIC = ("rate", "irate", "increase")


def _is_traffic(node: Node, ctx) -> bool:
    """True when a denominator counts events (a rate or increase, or a recorded one), which can drop to zero;
    a constant (``/ 60``) or a gauge (``/ node_memory_MemTotal_bytes``) is not traffic."""
    for n in walk(node):
        if isinstance(n, Call) and n.func in TRAFFIC:
            return True
        if isinstance(n, Selector):
            info = ctx.series(n.name) if n.name else None
            if info is not None and info.ratio:
                return True
            if n.name and ":" in n.name and any(part in n.name for part in TRAFFIC):
                return True
    return False


def _ratios(node: Node, ctx):
    """Divisions (or recorded ratios) whose value reaches the alert's result."""
    node = unwrap(node)
    if isinstance(node, Binary):
        if node.op == "/":
            if _is_traffic(node.rhs, ctx) and not _guarded_denominator(node.rhs):
                yield "a division"
            return
        if node.op in ("and", "unless"):
            yield from _ratios(node.lhs, ctx)
            return
        yield from _ratios(node.lhs, ctx)
        yield from _ratios(node.rhs, ctx)
    elif isinstance(node, Aggregate):
        yield from _ratios(node.expr, ctx)
    elif isinstance(node, Selector):
        info = ctx.series(node.name)
        if info is not None and info.ratio:
            yield f"the recorded ratio `{node.name}`"


def _has_traffic_guard(node: Node) -> bool:
    node = unwrap(node)
    if isinstance(node, Binary) and node.op in ("and", "unless"):
        guard = any(isinstance(n, Binary) and n.op in (">", ">=", "==") and not n.bool for n in walk(node.rhs))
        return guard or _has_traffic_guard(node.lhs)
    if isinstance(node, Binary) and node.op == "or":
        return _has_traffic_guard(node.lhs) and _has_traffic_guard(node.rhs)
    return False


def check(rule, ctx):
    if not rule.is_alert or rule.query is None or rule.query.node is None:
        return
    node = rule.query.node
    if _has_traffic_guard(node):
        return
    for what in dict.fromkeys(_ratios(node, ctx)):
        yield f"compares {what} with no guard against zero or low traffic; add `and <denominator> >= <minimum " \
              "rate>` (or clamp_min the denominator)"
