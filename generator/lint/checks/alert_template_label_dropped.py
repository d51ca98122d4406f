"""alert/template-label-dropped: an alert template uses a label the expression does not produce.

What it catches:
    ``{{ $labels.handler }}`` (or ``.Labels.handler``, ``index $labels "handler"``) in annotations or labels when
    the alert's expression aggregates ``handler`` away (``sum by (job)``), matches it away (``on (...)``), or the
    series never had it. The rule's own static labels count as present.

Why it matters:
    The label renders as an empty string: "High error rate for handler " tells the on-call nothing, and
    notifications that group by it collapse into one.

Failing example:
    expr: sum(rate(http_requests_total{status="error"}[5m])) > 1
    summary: "{{ $labels.handler }} fails"

Passing example:
    expr: sum by (handler) (rate(http_requests_total{status="error"}[5m])) > 1
    summary: "{{ $labels.handler }} fails"
"""

from ..gotemplate import analyse

NAME = "alert/template-label-dropped"
SEVERITY = "error"
ENTRY = "rule"


def check(rule, ctx):
    if not rule.is_alert or rule.query is None or rule.query.node is None:
        return
    available = rule.query.labels_of(rule.query.node, ctx)
    if available is None:
        return
    available = available | set(rule.mapping("labels"))
    kept = ", ".join(sorted(available - {"__name__"})) or "no labels"
    for kind in ("annotations", "labels"):
        for key, value in rule.mapping(kind).items():
            if not isinstance(value, str):
                continue
            for label in dict.fromkeys(analyse(value).labels):
                if label not in available:
                    yield f"{kind[:-1]} `{key}` uses $labels.{label}, but the expression's result carries {kept}; " \
                          f"keep `{label}` in its aggregation (`by (..., {label})`) or drop it from the template"
