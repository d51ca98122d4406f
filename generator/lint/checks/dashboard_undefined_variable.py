"""dashboard/undefined-variable: a ``$variable`` that the dashboard does not define.

What it catches:
    ``$var``, ``${var}``, ``${var:format}`` and ``[[var]]`` in queries, legends, titles, data sources, variable
    queries, repeats and links, when no variable of the dashboard (nor an export's ``__inputs``, nor Grafana's
    own ``$__interval``, ``$__rate_interval``, ``$__range``, ``${__field...}``, ...) has that name.

Why it matters:
    Grafana leaves an undefined variable in the query as written: ``handler="$handlr"`` matches nothing and
    ``[$window]`` does not parse, so the panel is empty or broken.

Failing example:
    sum(rate(http_requests_total{handler=~"$handlr"}[$__rate_interval]))

Passing example:
    sum(rate(http_requests_total{handler=~"$handler"}[$__rate_interval]))

    In a dashboard that defines a variable named handler.
"""

from ...grafana.model import (
    dashboard_links,
    datasource_texts,
    is_global,
    panel_links,
    targets,
    variable_names,
    variable_query,
)
from ..problem import Hit

NAME = "dashboard/undefined-variable"
SEVERITY = "error"
ENTRY = "dashboard"


def _panel_texts(panel):
    data = panel.data
    for key in ("title", "repeat"):
        if isinstance(data.get(key), str):
            yield key, data[key]
    for text in datasource_texts(data.get("datasource")):
        yield "datasource", text
    for link in panel_links(data):
        if isinstance(link.get("url"), str):
            yield "link", link["url"]
    for target in targets(data):
        for key in ("expr", "legendFormat", "interval"):
            if isinstance(target.get(key), str):
                yield f"target {target.get('refId', '')} {key}".replace("  ", " "), target[key]
        for text in datasource_texts(target.get("datasource")):
            yield "target datasource", text


def check(dashboard, ctx):
    defined = set(dashboard.variables) | dashboard.inputs

    def undefined(text):
        return [n for n in dict.fromkeys(variable_names(text)) if n not in defined and not is_global(n)]

    for name, var in dashboard.variables.items():
        texts = [variable_query(var), var.get("definition"), *datasource_texts(var.get("datasource"))]
        for missing in dict.fromkeys(n for t in texts if isinstance(t, str) for n in undefined(t)):
            yield f"variable {name} uses ${missing}, which is not defined; add a variable named {missing}"
    for link in dashboard_links(dashboard.data):
        if isinstance(link.get("url"), str):
            for missing in undefined(link["url"]):
                yield f"dashboard link {link.get('title', '')!r} uses ${missing}, which is not defined"
    for panel in dashboard.panels:
        reported = set()
        for where, text in _panel_texts(panel):
            for missing in undefined(text):
                if missing not in reported:
                    reported.add(missing)
                    yield Hit(f"{where} uses ${missing}, which is not a variable of this dashboard; define it "
                              f"or fix the name (variables: {', '.join(sorted(defined)) or 'none'})", at=panel)
