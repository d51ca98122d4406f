"""Grafana's dashboard model, in one place: variable syntax, variable queries, panels, targets, data sources.

Everything that reads a dashboard's JSON (the linter, the live validator, the push diff) asks this module how
Grafana reads it, so that they agree:

- variable syntax: ``$var``, ``${var}``, ``${var.field}``, ``${var:format}``, ``[[var]]`` and ``[[var:format]]``
  (:func:`references`, :func:`variable_names`, :func:`substitute`), and the variables Grafana defines itself
  (:func:`is_global`);
- variable queries of the Prometheus data source: ``label_values([selector,] label)``, ``query_result(expr)``,
  ``label_names([selector])`` and ``metrics(regex)``, written as a string or as an object (``{"query": ...}``, or
  the query editor's ``{"qryType": 1, "metric": ..., "label": ...}``) (:func:`variable_query`,
  :func:`parse_variable_query`);
- panels: the top-level list, the panels a (collapsed) row holds, and the ``rows`` of dashboards from before
  Grafana 5 (:func:`panel_list`, :func:`walk_panels`, :func:`panels`), and each panel's targets, unit and links;
- data sources: their type, the uid or name they are referred to by, and Grafana's built-in ones.

Malformed input never raises here: what is not of the expected type is skipped (or handed back as found, where
a caller reports it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

# ---------------------------------------------------------------------------------------------------------------
# Variable syntax

# Grafana's own pattern (public/app/features/templating/template_srv): $var, [[var]], [[var:fmt]],
# ${var}, ${var.field}, ${var:fmt}.
VARIABLE = re.compile(r"\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*?)(?::(\w+))?\]\]"
                      r"|\$\{([A-Za-z_]\w*)(?:\.([^:}]+))?(?::([^}]+))?\}")

# Variables Grafana defines itself. Names starting with "__" are all Grafana's (__field, __series, __data, ...).
GLOBALS = frozenset({"__interval", "__interval_ms", "__rate_interval", "__rate_interval_ms", "__range", "__range_s",
                     "__range_ms", "__from", "__to", "__dashboard", "__user", "__org", "__name", "__timeFilter",
                     "__all", "__auto_interval", "timeFilter"})


class Reference(NamedTuple):
    """One use of a variable in a text: ``name``, its ``format`` and ``field`` (or None), and where it stands."""
    name: str
    format: str | None
    field: str | None
    start: int
    end: int


def is_global(name: str) -> bool:
    return name.startswith("__") or name in GLOBALS


def references(text) -> list[Reference]:
    """Every variable used in ``text`` (a string; anything else has none), in order."""
    if not isinstance(text, str) or ("$" not in text and "[[" not in text):
        return []
    return [Reference(m.group(1) or m.group(2) or m.group(4), m.group(3) or m.group(6), m.group(5),
                      m.start(), m.end()) for m in VARIABLE.finditer(text)]


def variable_names(text) -> list[str]:
    """Names of the variables referenced in ``text``, in order."""
    return [r.name for r in references(text)]


def contains_variable(text) -> bool:
    return bool(references(text))


def substitute(text: str, value: Callable[[Reference], str | None]) -> str:
    """``text`` with each variable replaced by ``value(reference)``; one it returns None for stays as written."""
    out, last = [], 0
    for ref in references(text):
        new = value(ref)
        if new is not None:
            out += [text[last:ref.start], new]
            last = ref.end
    return "".join(out) + text[last:]


# ---------------------------------------------------------------------------------------------------------------
# Variables and their queries

# The label may be a UTF-8 name (``label_values(x, gen_ai.request.model)``): Grafana 11.5 and later read any text
# there (packages/grafana-prometheus variableMigration.ts: ``label_values\((?:(.+),\s*)?(.+)\)``).
LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?:(.*),)?\s*([A-Za-z_][\w.\-/]*)\s*\)\s*$", re.S)
QUERY_RESULT = re.compile(r"^\s*query_result\s*\((.*)\)\s*$", re.S)
LABEL_NAMES = re.compile(r"^\s*label_names\s*\((.*)\)\s*$", re.S)
METRICS = re.compile(r"^\s*metrics\s*\((.*)\)\s*$", re.S)
# The Prometheus query editor's qryType (public/app/plugins/datasource/prometheus: PromVariableQueryType).
LABEL_NAMES_TYPE, LABEL_VALUES_TYPE, METRIC_NAMES_TYPE, QUERY_RESULT_TYPE = 0, 1, 2, 3


class VariableQuery(NamedTuple):
    """A parsed variable query. ``kind`` is "label_values", "query_result", "label_names" or "metrics"; ``expr`` is
    the selector or expression as written (None when left out; a regex for ``metrics``); ``label`` the label whose
    values ``label_values`` lists."""
    kind: str
    expr: str | None
    label: str | None = None


def variables(dashboard) -> list[dict]:
    """The dashboard's variables (``templating.list``) that are objects."""
    templating = dashboard.get("templating") if isinstance(dashboard, dict) else None
    found = templating.get("list") if isinstance(templating, dict) else None
    return [v for v in found if isinstance(v, dict)] if isinstance(found, list) else []


def variable_query(var) -> str | None:
    """The query text of a variable, from either form: a string, or an object (its ``query``, else built from
    the query editor's ``qryType`` with ``metric``/``label``/``query``). None when it has none."""
    raw = var.get("query") if isinstance(var, dict) else None
    if not isinstance(raw, dict):
        return raw if isinstance(raw, str) else None
    if isinstance(raw.get("query"), str) and raw["query"].strip():
        return raw["query"]
    kind, metric, label = raw.get("qryType"), raw.get("metric"), raw.get("label")
    metric = metric if isinstance(metric, str) and metric else None
    if kind == LABEL_VALUES_TYPE and isinstance(label, str) and label:
        return f"label_values({metric}, {label})" if metric else f"label_values({label})"
    if kind == LABEL_NAMES_TYPE:
        return f"label_names({metric or ''})"
    if kind == METRIC_NAMES_TYPE:
        return f"metrics({metric or ''})"
    if kind == QUERY_RESULT_TYPE and isinstance(raw.get("varQuery"), str):
        return f"query_result({raw['varQuery']})"
    return None


def parse_variable_query(text) -> VariableQuery | None:
    """What a Prometheus variable query asks for, or None when it is none of the four functions."""
    if not isinstance(text, str):
        return None
    m = LABEL_VALUES.match(text)
    if m:
        return VariableQuery("label_values", m.group(1), m.group(2))
    for kind, pattern in (("query_result", QUERY_RESULT), ("label_names", LABEL_NAMES), ("metrics", METRICS)):
        m = pattern.match(text)
        if m:
            return VariableQuery(kind, m.group(1) if kind == "query_result" or m.group(1).strip() else None)
    return None


# ---------------------------------------------------------------------------------------------------------------
# Panels and targets

DATA_PANELS = frozenset({"timeseries", "graph", "stat", "gauge", "bargauge", "table", "table-old", "heatmap",
                         "singlestat", "barchart", "piechart", "histogram", "state-timeline", "status-history",
                         "trend", "xychart", "candlestick"})


class PanelSlot(NamedTuple):
    """A panel as :func:`walk_panels` finds it: the object (as stored, so possibly not a dict), its index in the
    list holding it, and for a panel inside a row the row's index in the top-level list (else None)."""
    panel: Any
    index: int
    row: int | None = None


def panel_type(panel) -> str:
    value = panel.get("type") if isinstance(panel, dict) else None
    return value if isinstance(value, str) else ""


def is_row(panel) -> bool:
    return panel_type(panel) == "row"


def is_data_panel(panel) -> bool:
    """A panel that shows query results (not a row, text, or a library panel whose content lives elsewhere)."""
    return panel_type(panel) in DATA_PANELS and "libraryPanel" not in panel


def panel_list(dashboard) -> Any:
    """The top-level panels as stored: ``panels``, or for a dashboard from before Grafana 5 (``rows``, no
    ``panels``) the panels of its rows in order. None when there is neither; a non-list ``panels`` as found."""
    found = dashboard.get("panels") if isinstance(dashboard, dict) else None
    if found is None and isinstance(dashboard, dict) and isinstance(dashboard.get("rows"), list):
        found = [p for row in dashboard["rows"] if isinstance(row, dict) and isinstance(row.get("panels"), list)
                 for p in row["panels"]]
    return found


def walk_panels(dashboard) -> Iterator[PanelSlot]:
    """Every panel in the order Grafana lays them out: each top-level panel, and right after a row the panels it
    holds (a collapsed row keeps them in its own ``panels``)."""
    top = panel_list(dashboard)
    for index, panel in enumerate(top if isinstance(top, list) else []):
        yield PanelSlot(panel, index)
        if is_row(panel) and isinstance(panel.get("panels"), list):
            for sub, nested in enumerate(panel["panels"]):
                yield PanelSlot(nested, sub, index)


def panels(dashboard, *, rows: bool = True) -> list[dict]:
    """Every panel object of the dashboard (see :func:`walk_panels`); without the rows when ``rows`` is False."""
    return [s.panel for s in walk_panels(dashboard) if isinstance(s.panel, dict) and (rows or not is_row(s.panel))]


def targets(panel) -> list[dict]:
    """The panel's targets (queries) that are objects."""
    found = panel.get("targets") if isinstance(panel, dict) else None
    return [t for t in found if isinstance(t, dict)] if isinstance(found, list) else []


def dict_at(data, *keys) -> dict:
    """``data[k1][k2]...`` when every step is a dict, else an empty dict."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _override_values(data: dict, prop_id: str) -> list:
    out = []
    overrides = dict_at(data, "fieldConfig").get("overrides")
    for override in overrides if isinstance(overrides, list) else []:
        props = override.get("properties") if isinstance(override, dict) else None
        for prop in props if isinstance(props, list) else []:
            if isinstance(prop, dict) and prop.get("id") == prop_id:
                out.append(prop.get("value"))
    return out


def panel_unit(data: dict) -> str | None:
    """The unit of a panel wherever its type keeps it (fieldConfig, overrides, legacy yaxes/format)."""
    defaults = dict_at(data, "fieldConfig", "defaults")
    candidates = [defaults.get("unit"), data.get("format"), dict_at(data, "options", "yAxis").get("unit")]
    yaxes = data.get("yaxes")
    if isinstance(yaxes, list) and yaxes and isinstance(yaxes[0], dict):
        candidates.append(yaxes[0].get("format"))
    candidates += _override_values(data, "unit")
    return next((c for c in candidates if isinstance(c, str) and c.strip()), None)


def _dicts(value) -> list[dict]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def panel_links(data: dict) -> list[dict]:
    """Panel header links and data links (field defaults and overrides)."""
    out = _dicts(data.get("links")) + _dicts(dict_at(data, "fieldConfig", "defaults").get("links"))
    for value in _override_values(data, "links"):
        out += _dicts(value)
    return out


def dashboard_links(dashboard) -> list[dict]:
    """The dashboard's own links (its header) that are objects."""
    return _dicts(dashboard.get("links")) if isinstance(dashboard, dict) else []


# ---------------------------------------------------------------------------------------------------------------
# Data sources

NON_PROMQL_DATASOURCES = ("loki", "tempo", "grafana", "datasource", "__expr__", "testdata", "elasticsearch",
                          "influxdb", "mysql", "postgres", "cloudwatch", "graphite", "jaeger", "zipkin")
BUILT_IN_DATASOURCES = ("-- Mixed --", "-- Dashboard --", "-- Grafana --", "grafana", "__expr__", "datasource",
                        "dashboard", "mixed")


def datasource_type(value, variables: dict | None = None) -> str:
    """The lower-case plugin type of a data source reference (``{"type": ..., "uid": ...}``), or "". With the
    dashboard's variables (name -> variable), a reference through a data-source variable (``"$logs"``,
    ``{"uid": "${logs}"}``) has the type that variable's ``query`` names."""
    found = value.get("type") if isinstance(value, dict) else None
    kind = found.lower() if isinstance(found, str) else ""
    ref = datasource_ref(value)
    names = variable_names(ref) if variables and isinstance(ref, str) else []
    var = variables.get(names[0]) if names else None
    if isinstance(var, dict) and var.get("type") == "datasource" and isinstance(var.get("query"), str):
        return var["query"].lower() or kind
    return kind


def datasource_ref(value):
    """What a data source reference names it by: a string as it is, an object's ``uid`` (else its ``name``)."""
    if isinstance(value, dict):
        return value.get("uid") if value.get("uid") is not None else value.get("name")
    return value


def datasource_texts(value) -> Iterator[str]:
    """Every string inside a data source reference (a string, or an object's ``uid`` and ``name``)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key in ("uid", "name"):
            if isinstance(value.get(key), str):
                yield value[key]
