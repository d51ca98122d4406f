"""promql/legend-label-dropped: a panel legend uses a label the query's result does not carry.

What it catches:
    ``legendFormat`` entries like ``{{handler}}`` when the query aggregates it away (``sum by (method)``), or the
    series never had it. The labels are inferred through aggregations, binary matching and functions.

Why it matters:
    Grafana renders the missing label as an empty string: every series gets the same blank or misleading name,
    and the graph cannot be read.

Failing example:
    query: sum by (method) (rate(http_requests_total[5m]))
    legend: "{{handler}}"

Passing example:
    query: sum by (handler) (rate(http_requests_total[5m]))
    legend: "{{handler}}"
"""

import re

NAME = "promql/legend-label-dropped"
SEVERITY = "error"
ENTRY = "query"

LEGEND_LABEL = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def check(query, ctx):
    if query.node is None or not query.legend or query.kind != "panel":
        return
    available = query.labels_of(query.node, ctx)
    if available is None:
        return
    for label in dict.fromkeys(LEGEND_LABEL.findall(query.legend)):
        if label not in available:
            kept = ", ".join(sorted(available - {"__name__"})) or "no labels"
            yield f"legend uses {{{{{label}}}}}, but the result carries {kept}; keep `{label}` in the " \
                  "aggregation (`by (..., " + label + ")`) or change the legend"
