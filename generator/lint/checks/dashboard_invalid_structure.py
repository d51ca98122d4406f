"""dashboard/invalid-structure: a dashboard JSON whose parts have the wrong shape.

What it catches:
    ``panels`` that is not a list, a panel or target that is not an object, an ``expr`` that is not a string,
    variables without a name: whatever keeps the linter (and Grafana) from reading part of the dashboard.

Why it matters:
    Grafana drops or misreads such parts when it imports the dashboard; what the linter cannot read it cannot
    check either.

Failing example:
    {"uid": "x", "title": "X", "panels": {"id": 1}}

Passing example:
    {"uid": "x", "title": "X", "panels": [{"id": 1, "type": "timeseries", ...}]}
"""

NAME = "dashboard/invalid-structure"
SEVERITY = "error"
ENTRY = "dashboard"


def check(dashboard, ctx):
    yield from dashboard.issues
