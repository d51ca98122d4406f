"""alert/template-label-dropped: an alert template reads a label that what it reads from does not carry.

What it catches:
    ``{{ $labels.handler }}`` (or ``.Labels.handler``, ``index $labels "handler"``) in annotations or labels when
    the alert's expression aggregates ``handler`` away (``sum by (job)``), matches it away (``on (...)``), or the
    series never had it. The rule's own static labels count as present. Templates are read as Prometheus runs
    them: inside ``{{ range query "..." }}`` or ``{{ with query "..." }}`` the dot is a sample of *that* query,
    so ``.Labels.x`` there must survive that query's aggregation (``$labels.x`` still reads the alert). A label
    only tested, ``{{ with $labels.cluster }} on {{ . }}{{ end }}``, may be absent.

Why it matters:
    The label renders as an empty string: "High error rate for handler " tells the on-call nothing, and
    notifications that group by it collapse into one. A list of failing instances built with ``range query``
    prints blanks for a label its query dropped.

Failing example:
    expr: sum(rate(http_requests_total{status="error"}[5m])) > 1
    summary: "{{ $labels.handler }} fails"
    description: '{{ range query "count by (job) (up == 0)" }}{{ .Labels.instance }} {{ end }}'

Passing example:
    expr: sum by (handler) (rate(http_requests_total{status="error"}[5m])) > 1
    summary: "{{ $labels.handler }} fails"
    description: '{{ range query "up == 0" }}{{ .Labels.instance }} {{ end }}'
"""

from ..alerttemplate import analyse, templates
from ..problem import Hit

NAME = "alert/template-label-dropped"
SEVERITY = "error"
ENTRY = "rule"


def _names(labels) -> str:
    return ", ".join(sorted(labels - {"__name__"})) or "no labels"


def check(rule, ctx):
    if not rule.is_alert:
        return
    available = None
    if rule.query is not None and rule.query.node is not None:
        available = rule.query.labels_of(rule.query.node, ctx)
    if available is not None:
        available = available | set(rule.mapping("labels"))
    for kind, key, text in templates(rule):
        facts = analyse(text)
        if available is not None:
            for label in dict.fromkeys(facts.labels):
                if label not in available:
                    yield f"{kind[:-1]} `{key}` uses $labels.{label}, but the expression's result carries " \
                          f"{_names(available)}; keep `{label}` in its aggregation (`by (..., {label})`) or drop " \
                          "it from the template"
        for index, label in dict.fromkeys(facts.reads):
            query = rule.templates.get((kind, key, index))
            kept = query.labels_of(query.node, ctx) if query is not None and query.node is not None else None
            if kept is not None and label not in kept:
                yield Hit(f"{kind[:-1]} `{key}` reads .Labels.{label} of a sample of its query {index + 1}, whose "
                          f"result carries {_names(kept)}; keep `{label}` in that query's aggregation "
                          f"(`by (..., {label})`) or drop it from the template", at=query)
