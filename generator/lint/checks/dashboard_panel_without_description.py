"""dashboard/panel-without-description: a data panel with no description.

What it catches:
    Data panels (time series, stat, table, ...) whose ``description`` is missing or blank.

Why it matters:
    The description is the (i) tooltip that tells an operator at 3 a.m. what the number means, its unit and
    where to look next.

Failing example:
    {"type": "stat", "title": "Error ratio", "targets": [...]}

Passing example:
    {"type": "stat", "title": "Error ratio", "description": "Share of failed requests.", "targets": [...]}
"""

from ...grafana.model import is_data_panel

NAME = "dashboard/panel-without-description"
SEVERITY = "warning"
ENTRY = "panel"


def check(panel, ctx):
    if not is_data_panel(panel.data):
        return
    description = panel.data.get("description")
    if not isinstance(description, str) or not description.strip():
        yield "has no description; say what it shows and how to read it"
