"""dashboard/panel-off-grid: a panel without a valid position on Grafana's 24-column grid.

What it catches:
    A missing ``gridPos``, non-integer or negative coordinates, a width or height under 1, or a panel reaching
    past column 24 (a missing ``x`` or ``y`` is 0, as in Grafana; a row's width is ignored). Panels of a
    legacy ``rows`` dashboard (before Grafana 5) have no ``gridPos``: Grafana lays
    them out from their ``span``, and they are not checked.

Why it matters:
    Grafana clamps or re-flows such panels on load: the dashboard does not look like its JSON, and a panel
    cut at the right edge hides its legend.

Failing example:
    {"gridPos": {"x": 18, "y": 0, "w": 12, "h": 8}}

Passing example:
    {"gridPos": {"x": 12, "y": 0, "w": 12, "h": 8}}
"""

NAME = "dashboard/panel-off-grid"
SEVERITY = "error"
ENTRY = "panel"

GRID_WIDTH = 24


def check(panel, ctx):
    if panel.legacy:
        return
    pos = panel.data.get("gridPos")
    if pos is None:
        yield "has no gridPos; give it x, y, w and h on the 24-column grid"
        return
    if not isinstance(pos, dict):
        yield "gridPos is not an object with x, y, w and h"
        return
    values = {k: pos.get(k, 0 if k in "xy" else None) for k in ("x", "y", "w", "h")}  # Grafana: x, y default 0
    bad = [k for k, v in values.items() if isinstance(v, bool) or not isinstance(v, int)]
    if bad:
        yield f"gridPos {', '.join(bad)} must be whole numbers"
        return
    x, y, w, h = values["x"], values["y"], values["w"], values["h"]
    if x < 0 or y < 0:
        yield f"gridPos starts at x={x}, y={y}; coordinates cannot be negative"
    if panel.type == "row":
        return  # a row spans the grid whatever its width says
    if w < 1 or h < 1:
        yield f"gridPos is {w} wide and {h} high; both must be at least 1"
    elif x + w > GRID_WIDTH:
        yield f"reaches column {x + w} (x={x} + w={w}) of a {GRID_WIDTH}-column grid; make it narrower or move it left"
