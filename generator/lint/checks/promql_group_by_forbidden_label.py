"""promql/group-by-forbidden-label: grouping, matching or filtering on a forbidden (unbounded) label.

What it catches:
    ``by (user_id)``, ``on (session_id)``, ``{request_id="..."}`` and every other use of a label listed in the
    catalog's ``forbidden_labels`` (user, session or request ids, prompts, emails).

Why it matters:
    Those labels are unbounded: the service must never expose them, and a query that groups by one either finds
    nothing or (if someone added it) explodes the series count and the dashboard with it.

Failing example:
    sum by (user_id) (rate(http_requests_total[5m]))

Passing example:
    sum by (tier) (rate(http_requests_total[5m]))
"""

from ..promql import Aggregate, Binary, Selector

NAME = "promql/group-by-forbidden-label"
SEVERITY = "error"
ENTRY = "query"


def check(query, ctx):
    forbidden = set(ctx.catalog.forbidden_labels)
    if query.node is None or not forbidden:
        return
    for node in query.nodes:
        used, advice = (), ""
        if isinstance(node, Aggregate) and node.grouping:
            used, advice = node.grouping, "group by bounded labels only"
        elif isinstance(node, Binary):
            used, advice = (node.on or ()) + (node.ignoring or ()) + node.include, "match on bounded labels only"
        elif isinstance(node, Selector):
            used, advice = tuple(m.name for m in node.matchers), "no series may carry it: filter on a bounded label"
        for label in used:
            if label in forbidden:
                yield f"uses forbidden label `{label}` (unbounded, see the catalog's forbidden_labels); {advice}"
    if query.variable_label in forbidden:
        yield f"variable lists the values of forbidden label `{query.variable_label}`"
