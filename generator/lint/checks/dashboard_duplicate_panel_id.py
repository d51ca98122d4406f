"""dashboard/duplicate-panel-id: two panels of one dashboard share an id.

What it catches:
    Panels (rows and the panels of collapsed rows included) with the same ``id``.

Why it matters:
    Grafana addresses panels by id: links to a panel (``viewPanel=``), panel edits and library panels pick the
    wrong one, and Grafana silently renumbers on import.

Failing example:
    "panels": [{"id": 2, "title": "A", ...}, {"id": 2, "title": "B", ...}]

Passing example:
    "panels": [{"id": 2, "title": "A", ...}, {"id": 3, "title": "B", ...}]
"""

from ..problem import Hit

NAME = "dashboard/duplicate-panel-id"
SEVERITY = "error"
ENTRY = "dashboard"


def check(dashboard, ctx):
    seen = {}
    for panel in dashboard.panels:
        pid = panel.data.get("id")
        if isinstance(pid, bool) or not isinstance(pid, (int, float)):
            continue
        if pid in seen:
            yield Hit(f"panel id {pid:g} is also used by {seen[pid]}; give every panel its own id", at=panel)
        else:
            seen[pid] = panel.place.path[-1]
