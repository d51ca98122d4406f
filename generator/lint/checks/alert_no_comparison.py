"""alert/no-comparison: an alert expression that does not filter, so it fires whenever the series exists.

What it catches:
    Alert expressions without a comparison (``>``, ``==``, ... without ``bool``), ``absent()``, ``unless`` or an
    ``and`` with a filtering side. ``vector(1)`` (a deliberate always-firing watchdog) is allowed, and so is a
    label matcher on an info metric (``x_info{state="down"}``: the labels are its state, the value is always 1).
    A bare selector with a matcher (``x{name=~".*tmp.*"}``) is a warning: the matcher may be the condition.

Why it matters:
    An alert fires for every series its expression returns. ``sum(rate(errors[5m]))`` returns a value (often 0)
    all the time, so the alert fires permanently and gets silenced, and then a real problem goes unnoticed.

Failing example:
    expr: sum by (handler) (rate(http_request_errors_total[5m]))

Passing example:
    expr: sum by (handler) (rate(http_request_errors_total[5m])) > 1
"""

from ..problem import Hit
from ..promql import Aggregate, Binary, Call, Number, Paren, Selector, Subquery, Unary, unwrap

INFO_SUFFIXES = ("_info", "_metadata")

NAME = "alert/no-comparison"
SEVERITY = "error"
ENTRY = "rule"


def filters(node) -> bool:
    node = unwrap(node)
    if isinstance(node, Binary):
        if node.is_comparison and not node.bool:
            return True
        if node.op == "unless":
            return True
        if node.op == "or":
            return filters(node.lhs) and filters(node.rhs)
        return filters(node.lhs) or filters(node.rhs)
    if isinstance(node, Call):
        if node.func in ("absent", "absent_over_time"):
            return True
        return any(filters(a) for a in node.args)
    if isinstance(node, (Aggregate, Subquery, Unary, Paren)):
        return filters(node.expr)
    if isinstance(node, Selector) and (node.name or "").endswith(INFO_SUFFIXES):
        # An info metric keeps its state in labels (always 1): a matcher on them is the condition.
        return any(m.name not in ("job", "instance") for m in node.label_matchers())
    return False


def check(rule, ctx):
    if not rule.is_alert or rule.query is None or rule.query.node is None:
        return
    node = unwrap(rule.query.node)
    if isinstance(node, Call) and node.func == "vector" and node.args and isinstance(unwrap(node.args[0]), Number):
        return  # a watchdog that fires on purpose
    if filters(node):
        return
    if isinstance(node, Selector) and any(m.name not in ("job", "instance") for m in node.label_matchers()):
        # `x{name=~".*ccnew.*"}`: the matcher may be the condition (a thing that should not exist); say so gently
        yield Hit("the expression has no comparison, so the alert fires for every series its matchers select; "
                  "if that is the condition, suppress this with the reason, else compare with a threshold",
                  severity="warning")
        return
    yield "the expression has no comparison, so the alert fires whenever it returns a value; compare it with " \
          "a threshold (`> 0.05`) or use absent() for missing data"
