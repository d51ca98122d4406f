"""Which labels can a PromQL expression's result carry? Inferred through aggregations, binary matching and
functions, from the labels the catalog (or a recording rule) gives each series.

The answer is a frozenset of label names the result *may* carry, or None when it cannot be known (an unknown
metric, a selector without a name). Checks only complain about a label when the answer is a set without it.
"""

from __future__ import annotations

from collections.abc import Callable

from .promql import Aggregate, Binary, Call, Matrix, Node, Number, Paren, Selector, String, Subquery, Unary, is_scalar

Labels = frozenset[str] | None
NAME = "__name__"
EMPTY: frozenset[str] = frozenset()

# Aggregations whose result keeps each input series' labels (they select series rather than combine them).
SELECTING = ("topk", "bottomk", "limitk", "limit_ratio")
# Functions whose result keeps the metric name.
KEEPS_NAME = ("last_over_time", "first_over_time", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc")
# Functions of no series argument (or whose result is a fresh, label-less series).
NO_LABELS = ("vector", "time", "scalar", "pi", "day_of_month", "day_of_week", "day_of_year", "days_in_month",
             "hour", "minute", "month", "year")


def _series_labels(name: str | None, lookup: Callable) -> Labels:
    if not name:
        return None
    info = lookup(name)
    if info is None or info.labels is None:
        return None
    return info.labels | {NAME}


def _absent_labels(node: Node) -> Labels:
    """absent() returns one series whose labels are the selector's equality matchers."""
    sel = node.selector if isinstance(node, Matrix) else node
    if isinstance(sel, Selector):
        return frozenset(m.name for m in sel.label_matchers() if m.op == "=")
    return EMPTY


class LabelInference:
    """Possible result labels of every node of one expression, memoised per node."""

    def __init__(self, lookup: Callable):
        self.lookup = lookup
        self._memo: dict[int, Labels] = {}

    def __call__(self, node: Node) -> Labels:
        key = id(node)
        if key not in self._memo:
            self._memo[key] = self._infer(node)
        return self._memo[key]

    def _infer(self, node: Node) -> Labels:
        if isinstance(node, Selector):
            return _series_labels(node.name, self.lookup)
        if isinstance(node, Matrix):
            return self(node.selector)
        if isinstance(node, (Subquery, Paren)):
            return self(node.expr)
        if isinstance(node, (Number, String)):
            return EMPTY
        if isinstance(node, Unary):
            inner = self(node.expr)
            return None if inner is None else inner - {NAME}
        if isinstance(node, Aggregate):
            return self._aggregate(node)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Binary):
            return self._binary(node)
        return None

    def _aggregate(self, node: Aggregate) -> Labels:
        inner = self(node.expr)
        if node.op in SELECTING:
            return inner
        extra = frozenset()
        if node.op == "count_values" and isinstance(node.param, String):
            extra = frozenset([node.param.value])
        if node.grouping is None:
            return extra
        if node.without:
            return None if inner is None else (inner - set(node.grouping) - {NAME}) | extra
        grouping = frozenset(node.grouping)
        return (grouping if inner is None else grouping & inner) | extra

    def _call(self, node: Call) -> Labels:
        func, args = node.func, node.args
        if func in NO_LABELS or not args:
            return EMPTY
        if func in ("absent", "absent_over_time"):
            return _absent_labels(args[0])
        first = self(args[0])
        if func in ("label_replace", "label_join"):
            if first is None or len(args) < 2 or not isinstance(args[1], String):
                return None
            return first | {args[1].value}
        if func == "histogram_quantile" and len(args) == 2:
            inner = self(args[1])
            return None if inner is None else inner - {"le", NAME}
        if func in ("histogram_fraction",) and len(args) == 3:
            inner = self(args[2])
            return None if inner is None else inner - {"le", NAME}
        if func == "quantile_over_time" and len(args) == 2:
            inner = self(args[1])
            return None if inner is None else inner - {NAME}
        # Functions taking a number first (clamp_min(v, 0) takes it second; round(v, 1) too).
        vector_arg = next((a for a in args if not isinstance(a, (Number, String))), None)
        if vector_arg is None:
            return EMPTY
        inner = self(vector_arg)
        if inner is None:
            return None
        return inner if func in KEEPS_NAME else inner - {NAME}

    def _binary(self, node: Binary) -> Labels:
        lhs_scalar, rhs_scalar = is_scalar(node.lhs), is_scalar(node.rhs)
        drop_name = node.op not in ("and", "or", "unless") and (not node.is_comparison or node.bool)
        if lhs_scalar and rhs_scalar:
            return EMPTY
        if lhs_scalar or rhs_scalar:
            side = self(node.rhs if lhs_scalar else node.lhs)
            return None if side is None else (side - {NAME} if drop_name else side)
        lhs, rhs = self(node.lhs), self(node.rhs)
        if node.op == "or":
            return None if lhs is None or rhs is None else lhs | rhs
        if node.op in ("and", "unless"):
            return lhs
        many = rhs if node.card == "one-to-many" else lhs
        if many is None:
            return None
        if node.card in ("many-to-one", "one-to-many"):
            result = many | set(node.include)
        elif node.on is not None:
            result = many & set(node.on)
        elif node.ignoring is not None:
            result = many - set(node.ignoring)
        else:
            result = many
        return result - {NAME} if drop_name else result
