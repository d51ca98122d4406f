"""dashboard/panel-without-targets: a data panel with no query.

What it catches:
    Data panels whose ``targets`` list is missing or empty, or whose every target has an empty ``expr``.

Why it matters:
    The panel shows "No data" forever; usually a query was lost in an edit.

Failing example:
    {"type": "timeseries", "title": "Request rate", "targets": []}

Passing example:
    {"type": "timeseries", "title": "Request rate",
     "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[5m]))"}]}
"""

from ...grafana.model import is_data_panel

NAME = "dashboard/panel-without-targets"
SEVERITY = "error"
ENTRY = "panel"


def check(panel, ctx):
    if not is_data_panel(panel.data):
        return
    targets = panel.data.get("targets")
    targets = [t for t in targets if isinstance(t, dict)] if isinstance(targets, list) else []
    if not targets:
        yield "has no queries (targets); add one or remove the panel"
    elif all(isinstance(t.get("expr"), str) and not t["expr"].strip() for t in targets):
        yield "every query (target) has an empty expr"
