"""promql/unknown-label: a label that the series cannot carry, in a matcher or a by/without/on/ignoring clause.

What it catches:
    ``{label="..."}`` matchers, ``by (...)``/``without (...)`` groupings, ``on (...)``/``ignoring (...)``/
    ``group_left (...)`` matching and ``label_values(metric, label)`` variables that name a label the catalog (or
    the recording rule) does not give the series at that point of the expression.

Why it matters:
    A matcher on a missing label matches nothing (or, with ``!=``, everything); grouping by it yields one
    unlabelled series; matching on it pairs the wrong series. The query looks right and returns nonsense.

Failing example:
    sum by (mehtod) (rate(http_requests_total[5m]))

Passing example:
    sum by (method) (rate(http_requests_total[5m]))
"""

from ..promql import TRANSLATION_HINT, Aggregate, Binary, Selector, show_label, show_name, translation_twin
from ..templating import is_placeholder

NAME = "promql/unknown-label"
SEVERITY = "error"
ENTRY = "query"


def _unknown(labels, available, ctx):
    if available is None:
        return []
    return [label for label in labels
            if label not in available and label != "__name__" and not is_placeholder(label)
            and label not in ctx.catalog.forbidden_labels]


def _names(available) -> str:
    shown = sorted(available - {"__name__"})
    text = ", ".join(shown) if shown else "none"
    return text


def _has(label, available) -> str:
    """`(it has: ...)`, with the twin of ``label`` under the other OTLP translation when there is one."""
    twin = translation_twin(label, available - {"__name__"})
    hint = f"; `{show_label(twin)}` is this label as the catalog's translation writes it ({TRANSLATION_HINT})" \
        if twin else ""
    return _names(available) + hint


def check(query, ctx):
    if query.node is None:
        return
    for node in query.nodes:
        if isinstance(node, Selector):
            available = query.labels_of(node, ctx)
            names = [m.name for m in node.label_matchers()]
            for label in _unknown(names, available, ctx):
                yield f"`{show_name(node.name or '')}` has no label `{show_label(label)}` " \
                      f"(it has: {_has(label, available)})"
        elif isinstance(node, Aggregate) and node.grouping:
            available = query.labels_of(node.expr, ctx)
            clause = "without" if node.without else "by"
            for label in _unknown(node.grouping, available, ctx):
                yield f"`{node.op} {clause} ({show_label(label)})`: the aggregated series have no label " \
                      f"`{show_label(label)}` (they have: {_has(label, available)})"
        elif isinstance(node, Binary) and (node.on or node.ignoring or node.include):
            lhs, rhs = query.labels_of(node.lhs, ctx), query.labels_of(node.rhs, ctx)
            if node.on:
                for side, available in (("left", lhs), ("right", rhs)):
                    for label in _unknown(node.on, available, ctx):
                        yield f"`on ({label})`: the {side}-hand series have no label `{label}` " \
                              f"(they have: {_names(available)})"
            if node.ignoring and lhs is not None and rhs is not None:
                for label in _unknown(node.ignoring, lhs | rhs, ctx):
                    yield f"`ignoring ({label})`: neither side has a label `{label}`"
            one = lhs if node.card == "one-to-many" else rhs
            for label in _unknown(node.include, one, ctx):
                yield f"`group_{'right' if node.card == 'one-to-many' else 'left'} ({label})`: the other side " \
                      f"has no label `{label}` to copy (it has: {_names(one)})"
    if query.variable_label:
        available = query.labels_of(query.node, ctx)
        for label in _unknown([query.variable_label], available, ctx):
            yield f"`label_values(..., {label})`: the series have no label `{label}` (they have: {_names(available)})"
