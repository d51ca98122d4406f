"""dashboard/panel-without-title: a panel (or row) with no title.

What it catches:
    Data panels and rows whose ``title`` is missing or blank.

Why it matters:
    An untitled panel cannot be found, named in a review or linked from an alert; readers guess what it shows.

Failing example:
    {"type": "timeseries", "title": "", "targets": [...]}

Passing example:
    {"type": "timeseries", "title": "Request rate by handler", "targets": [...]}
"""

from ...grafana.model import is_data_panel

NAME = "dashboard/panel-without-title"
SEVERITY = "warning"
ENTRY = "panel"


def check(panel, ctx):
    if not (is_data_panel(panel.data) or panel.type == "row"):
        return
    title = panel.data.get("title")
    if not isinstance(title, str) or not title.strip():
        yield f"{panel.type or 'panel'} has no title; say what it shows"
