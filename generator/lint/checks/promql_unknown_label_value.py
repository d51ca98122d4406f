"""promql/unknown-label-value: a matcher whose value is outside the label's declared values.

What it catches:
    ``label="value"`` and ``label!="value"`` where the catalog lists the label's values and ``value`` is not one
    of them, and regular expressions (``=~``, ``!~``) that match none of the declared values. Values that hold a
    Grafana variable (``handler=~"$handler"``) are skipped: the user picks them.

Why it matters:
    ``status="failed"`` when the service reports ``status="error"`` selects nothing: an error panel that always
    reads zero, an alert that cannot fire. ``!=`` with a misspelt value filters out nothing.

Failing example:
    sum(rate(http_requests_total{status="failed"}[5m]))

Passing example:
    sum(rate(http_requests_total{status="error"}[5m]))
"""


from ...grafana.model import contains_variable
from ..promql import matcher_regex

NAME = "promql/unknown-label-value"
SEVERITY = "error"
ENTRY = "query"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`


def check(query, ctx):
    if query.node is None:
        return
    for sel in query.selectors:
        info = ctx.series(sel.name)
        if info is None or (info.recorded and info.labels is None):
            continue
        for m in sel.label_matchers():
            values = ctx.label_values(m.name)
            if not values or contains_variable(m.value) or (info.labels is not None and m.name not in info.labels):
                continue
            if m.op in ("=", "!="):
                if m.value and m.value not in values:
                    yield f"`{m.name}{m.op}\"{m.value}\"`: `{m.value}` is not a value of `{m.name}` " \
                          f"(declared: {', '.join(values)})"
                continue
            regex = matcher_regex(m.value)
            if regex is None or regex.fullmatch(""):
                continue
            if not any(regex.fullmatch(v) for v in values):
                yield f"`{m.name}{m.op}\"{m.value}\"` matches none of the values of `{m.name}` " \
                      f"(declared: {', '.join(values)})"
