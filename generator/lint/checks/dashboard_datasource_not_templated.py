"""dashboard/datasource-not-templated: a panel, query or variable bound to one fixed data source.

What it catches:
    A ``datasource`` given as a fixed uid or name (``{"uid": "P1809F7CD0C75ACF3"}``, ``"Prometheus"``) instead of a
    variable (``${datasource}``), on panels, targets and query variables. A data panel with no data source at
    all (Grafana's default) is a warning. Grafana's built-in sources (``-- Mixed --``, ``-- Dashboard --``,
    ``-- Grafana --``, expressions) are fine.

Why it matters:
    A fixed uid exists in one Grafana only: the dashboard breaks in every other environment (staging, a
    colleague's laptop, the provisioned Docker setup), and one cannot switch it to another Prometheus.

Failing example:
    "datasource": {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}

Passing example:
    "datasource": {"type": "prometheus", "uid": "${datasource}"}
"""

from ...grafana.model import BUILT_IN_DATASOURCES as BUILT_IN
from ...grafana.model import contains_variable, datasource_ref, is_data_panel
from ..problem import Hit

NAME = "dashboard/datasource-not-templated"
SEVERITY = "error"
ENTRY = "dashboard"


def _state(value) -> str:
    """"templated", "builtin", "missing" or "fixed"."""
    if value is None:
        return "missing"
    ref = datasource_ref(value)
    if isinstance(value, dict):
        if value.get("type") in BUILT_IN:
            return "builtin"
        if ref is None:
            return "missing"
    elif not isinstance(value, str):
        return "fixed"
    if not isinstance(ref, str):
        return "fixed"
    if ref in BUILT_IN:
        return "builtin"
    return "templated" if contains_variable(ref) else "fixed"


def _shown(value) -> str:
    return str(datasource_ref(value))


def check(dashboard, ctx):
    for name, var in dashboard.variables.items():
        if var.get("type") == "query" and _state(var.get("datasource")) == "fixed":
            yield Hit(f"queries the fixed data source {_shown(var['datasource'])!r}; use ${{datasource}}",
                      at=dashboard.variable_at(name))
    for panel in dashboard.panels:
        if panel.type == "row":
            continue
        panel_ds = panel.data.get("datasource")
        panel_state = _state(panel_ds)
        if panel_state == "fixed":
            yield Hit(f"uses the fixed data source {_shown(panel_ds)!r}; use a data source variable such as "
                      "${datasource}", at=panel)
        for query in panel.queries:
            ds = query.target.get("datasource") if query.target is not None else None
            if _state(ds) == "fixed":
                yield Hit(f"query uses the fixed data source {_shown(ds)!r}; use ${{datasource}}", at=query)
            elif _state(ds) == "missing" and panel_state == "missing" and is_data_panel(panel.data):
                yield Hit("has no data source, so Grafana uses its default one; set it to ${datasource}",
                          at=panel, severity="warning")
                break
