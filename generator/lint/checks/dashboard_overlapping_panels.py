"""dashboard/overlapping-panels: two panels occupy the same cells of the grid.

What it catches:
    Panels whose ``gridPos`` rectangles intersect. The panels of a collapsed row are compared only among
    themselves (Grafana moves them below their row when it opens), and legacy ``rows`` dashboards, laid out by
    Grafana from ``span``, not at all.

    Row headers are not compared: Grafana places them by order.

Why it matters:
    Grafana pushes one of them down when it loads the dashboard (its grid compacts upwards and resolves
    collisions), so nothing is hidden, but the layout differs from the JSON and the next save in Grafana
    rewrites the positions; in generated dashboards it means the layout code is wrong. A warning: many
    generated mixins rely on Grafana's compaction on purpose.

Failing example:
    {"gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}, {"gridPos": {"x": 6, "y": 4, "w": 12, "h": 8}}

Passing example:
    {"gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}, {"gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}}
"""

from ..problem import Hit

NAME = "dashboard/overlapping-panels"
SEVERITY = "warning"
ENTRY = "dashboard"


def rect(panel):
    pos = panel.data.get("gridPos")
    if not isinstance(pos, dict):
        return None
    values = [pos.get(k, 0 if k in "xy" else None) for k in ("x", "y", "w", "h")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return None
    x, y, w, h = values
    return (x, y, x + w, y + h) if w > 0 and h > 0 else None


def check(dashboard, ctx):
    groups: dict[int, list] = {}
    for panel in dashboard.panels:
        r = None if panel.legacy or panel.type == "row" else rect(panel)
        if r is not None:
            groups.setdefault(panel.row, []).append((r, panel))
    for placed in groups.values():
        placed.sort(key=lambda item: (item[0][1], item[0][0]))
        for i, (a, pa) in enumerate(placed):
            for b, pb in placed[i + 1:]:
                if b[1] >= a[3]:
                    break
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    yield Hit(f"overlaps {pa.place.path[-1]} on the grid; Grafana will move it down on load: "
                              "move or resize one of them", at=pb)
