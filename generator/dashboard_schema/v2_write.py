"""Classic dashboard JSON -> a schema v2 resource (``dashboard.grafana.app/v2beta1``), as Grafana converts it.

The shape follows Grafana's own conversion (``apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go``
then ``v2alpha1_to_v2beta1.go``) and the Grafana Foundation SDK's ``dashboardv2beta1`` models: panels become
``elements`` (``panel-<id>``), their position a ``GridLayout`` item, rows a ``RowsLayout`` (panels above the first
row in a row without a header), targets ``PanelQuery`` s whose ``DataQuery`` names the data source type as its
``group`` and its uid as ``datasource.name``, the panel type the ``VizConfig`` group, variables ``*Variable``
kinds, ``time``/``refresh``/``timepicker`` the ``timeSettings``.

Unlike Grafana's conversion, which drops a panel option it has no place for, a key of a dashboard, panel or
variable that schema v2 cannot hold is an error naming it (:class:`NotInV2`), so that a build never writes less
than the code says; what v2 simply has no word for and Grafana ignores is listed in ``NOT_CARRIED`` and dropped.
Values are kept as the classic JSON writes them (a ``false`` stays ``false``), so that :mod:`.v2_read` gives the
classic dashboard back.
"""

from __future__ import annotations

from ..errors import GeneratorError
from .enums import (
    CURSOR_SYNC,
    GRID_ROW_HEIGHT,
    KIND,
    LEGACY_STRING,
    QUERY_OPTIONS,
    V2_API_VERSION,
    VARIABLE_HIDE,
    VARIABLE_KINDS,
    VARIABLE_REFRESH,
    VARIABLE_SORT,
    word,
)

# Keys v2 has no place for and Grafana does not read from a v2 dashboard: not carried, not an error.
NOT_CARRIED = {
    "dashboard": {"id", "schemaVersion", "version", "gnetId"},
    "variable": {"sort", "definition", "datasource", "refresh", "regex", "multi", "includeAll", "allValue",
                 "options", "allowCustomValue"},  # where the variable's kind has no such field (see _VARIABLE_KEYS)
}
DASHBOARD_KEYS = {"uid", "title", "description", "tags", "graphTooltip", "editable", "liveNow", "preload", "revision",
                  "time", "timezone", "refresh", "timepicker", "fiscalYearStartMonth", "weekStart", "links", "panels",
                  "templating", "annotations"}
PANEL_KEYS = {"type", "id", "title", "description", "links", "datasource", "targets", "gridPos", "transformations",
              "options", "fieldConfig", "pluginVersion", "transparent", "repeat", "repeatDirection", "maxPerRow",
              "libraryPanel", *QUERY_OPTIONS}
ROW_KEYS = {"type", "id", "title", "collapsed", "gridPos", "panels", "repeat", "datasource"}
_COMMON = ("name", "label", "description", "hide", "skipUrlSync", "type", "current")
_VARIABLE_KEYS = {
    "query": {*_COMMON, "query", "datasource", "definition", "refresh", "sort", "regex", "regexApplyTo", "options",
              "multi", "includeAll", "allValue", "allowCustomValue", "placeholder", "staticOptions",
              "staticOptionsOrder"},
    "datasource": {*_COMMON, "query", "refresh", "regex", "options", "multi", "includeAll", "allValue",
                   "allowCustomValue"},
    "custom": {*_COMMON, "query", "options", "multi", "includeAll", "allValue", "allowCustomValue", "valuesFormat"},
    "constant": {*_COMMON, "query"},
    "textbox": {*_COMMON, "query"},
    "interval": {*_COMMON, "query", "options", "auto", "auto_min", "auto_count", "refresh"},
    "adhoc": {*_COMMON, "datasource", "baseFilters", "filters", "defaultKeys", "allowCustomValue"},
    "groupby": {*_COMMON, "datasource", "options", "multi", "defaultValue"},
}


class NotInV2(GeneratorError):
    """A dashboard that schema v2 cannot hold as written (the message names what and where)."""


def resource(dash: dict) -> dict:
    """The ``dashboard.grafana.app/v2beta1`` resource of the classic dashboard ``dash`` (not changed)."""
    where = f"dashboard {dash.get('uid') or dash.get('title')!r}"
    unknown = sorted(set(dash) - DASHBOARD_KEYS - NOT_CARRIED["dashboard"])
    if unknown:
        raise NotInV2(f"{where}: {', '.join(unknown)} has no place in schema v2")
    spec: dict = {"title": dash.get("title") or "", "tags": list(dash.get("tags") or []),
                  "cursorSync": word(CURSOR_SYNC, dash.get("graphTooltip"), "Off"),
                  "preload": bool(dash.get("preload", False)), "timeSettings": _time_settings(dash),
                  "links": [_dashboard_link(link) for link in dash.get("links") or []],
                  "annotations": [_annotation(a) for a in (dash.get("annotations") or {}).get("list") or []],
                  "variables": [_variable(v, where) for v in (dash.get("templating") or {}).get("list") or []]}
    for key in ("description", "editable", "liveNow", "revision"):
        if key in dash:
            spec[key] = dash[key]
    spec["elements"], spec["layout"] = _elements_and_layout(dash.get("panels") or [], where)
    return {"apiVersion": V2_API_VERSION, "kind": KIND, "metadata": {"name": dash.get("uid") or ""}, "spec": spec}


def _time_settings(dash: dict) -> dict:
    time = dash.get("time") or {}
    picker = dash.get("timepicker") or {}
    out = {"from": time.get("from") or "now-6h", "to": time.get("to") or "now",
           "autoRefresh": dash.get("refresh") or "",
           "autoRefreshIntervals": list(picker.get("refresh_intervals") or
                                        ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"]),
           "hideTimepicker": bool(picker.get("hidden", False)),
           "fiscalYearStartMonth": dash.get("fiscalYearStartMonth") or 0}
    if "timezone" in dash:
        out["timezone"] = dash["timezone"]
    if dash.get("weekStart"):
        out["weekStart"] = dash["weekStart"]
    if picker.get("nowDelay"):
        out["nowDelay"] = picker["nowDelay"]
    if picker.get("quick_ranges"):
        out["quickRanges"] = [{"display": r.get("display", ""), "from": r.get("from", ""), "to": r.get("to", "")}
                              for r in picker["quick_ranges"] if isinstance(r, dict)]
    return out


def _dashboard_link(link: dict) -> dict:
    out = {"title": link.get("title") or "", "type": link.get("type") or "link", "icon": link.get("icon") or "",
           "tooltip": link.get("tooltip") or "", "tags": list(link.get("tags") or []),
           "asDropdown": bool(link.get("asDropdown")), "targetBlank": bool(link.get("targetBlank")),
           "includeVars": bool(link.get("includeVars")), "keepTime": bool(link.get("keepTime"))}
    for key in ("url", "placement"):
        if key in link:
            out[key] = link[key]
    return out


def _data_query(ds, spec: dict) -> dict:
    """A DataQuery: the data source's type is the group, its uid the ``datasource.name``."""
    if isinstance(ds, str):  # a data source named by a bare string (uid or `${var}`)
        ds = {"uid": ds}
    ds = ds if isinstance(ds, dict) else {}
    out = {"kind": "DataQuery", "group": ds.get("type") or "", "version": "v0", "spec": spec}
    if ds.get("uid"):
        out["datasource"] = {"name": ds["uid"]}
    return out


def _annotation(a: dict) -> dict:
    target = a.get("target") if isinstance(a.get("target"), dict) else {}
    spec = {"query": _data_query(a.get("datasource"), dict(target)), "enable": bool(a.get("enable")),
            "hide": bool(a.get("hide")), "iconColor": a.get("iconColor") or "", "name": a.get("name") or ""}
    if "builtIn" in a:
        spec["builtIn"] = bool(a["builtIn"])
    for key in ("filter", "mappings"):
        if isinstance(a.get(key), dict):
            spec[key] = a[key]
    legacy = {k: v for k, v in a.items() if k not in ("name", "datasource", "enable", "hide", "iconColor", "filter",
                                                      "target", "builtIn", "mappings")}
    if legacy:
        spec["legacyOptions"] = legacy
    return {"kind": "AnnotationQuery", "spec": spec}


# ---------------------------------------------------------------------------------------------------------------
# Variables


def _option(option) -> dict:
    option = option if isinstance(option, dict) else {}
    out = {"text": option.get("text", ""), "value": option.get("value", "")}
    if "selected" in option:
        out["selected"] = bool(option["selected"])
    return out


def _variable(v: dict, where: str) -> dict:
    kind_of = v.get("type") or "query"
    here = f"{where}, variable {v.get('name')!r}"
    if kind_of not in VARIABLE_KINDS or kind_of == "switch":
        raise NotInV2(f"{here}: a {kind_of!r} variable has no kind in schema v2")
    unknown = sorted(set(v) - _VARIABLE_KEYS[kind_of] - NOT_CARRIED["variable"])
    if unknown:
        raise NotInV2(f"{here}: {', '.join(unknown)} has no place in a v2 {VARIABLE_KINDS[kind_of]}")
    keys = _VARIABLE_KEYS[kind_of]
    spec: dict = {"name": v.get("name") or "", "hide": word(VARIABLE_HIDE, v.get("hide"), "dontHide"),
                  "skipUrlSync": bool(v.get("skipUrlSync"))}
    for key in ("label", "description"):
        if v.get(key):
            spec[key] = v[key]
    if kind_of not in ("adhoc",):
        spec["current"] = _option(v.get("current"))
    if "options" in keys:
        spec["options"] = [_option(o) for o in v.get("options") or []]
    if "multi" in keys:
        spec["multi"] = bool(v.get("multi"))
    if "includeAll" in keys:
        spec["includeAll"] = bool(v.get("includeAll"))
    if "allowCustomValue" in keys:
        spec["allowCustomValue"] = bool(v.get("allowCustomValue", True))
    if v.get("allValue") is not None and "allValue" in keys:
        spec["allValue"] = v["allValue"]
    if "refresh" in keys:
        spec["refresh"] = "onTimeRangeChanged" if kind_of == "interval" else \
            word(VARIABLE_REFRESH, v.get("refresh"), "never")
    if "regex" in keys:
        spec["regex"] = v.get("regex") or ""
    out = {"kind": VARIABLE_KINDS[kind_of], "spec": spec}
    if kind_of == "query":
        query = v.get("query")
        spec["query"] = _data_query(v.get("datasource"), {LEGACY_STRING: query} if isinstance(query, str) and query
                                    else dict(query) if isinstance(query, dict) else {})
        spec["sort"] = word(VARIABLE_SORT, v.get("sort"), "disabled")
        for key in ("definition", "regexApplyTo", "placeholder", "staticOptionsOrder"):
            if key in v:
                spec[key] = v[key]
        if "staticOptions" in v:
            spec["staticOptions"] = [_option(o) for o in v["staticOptions"] or []]
    elif kind_of == "datasource":
        spec["pluginId"] = v.get("query") or ""
    elif kind_of in ("custom", "constant", "textbox", "interval"):
        spec["query"] = v.get("query") or ""
        if kind_of == "interval":
            spec.update(auto=bool(v.get("auto")), auto_min=v.get("auto_min") or "",
                        auto_count=v.get("auto_count") or 0)
        if kind_of == "custom" and v.get("valuesFormat"):
            spec["valuesFormat"] = v["valuesFormat"]
    else:  # adhoc, groupby: the data source sits on the kind
        query = _data_query(v.get("datasource"), {})
        out = {"kind": out["kind"], "group": query["group"], **({"datasource": query["datasource"]}
                                                                 if "datasource" in query else {}), "spec": spec}
        for key in ("baseFilters", "filters", "defaultKeys") if kind_of == "adhoc" else ("defaultValue",):
            if key in v:
                spec[key] = v[key]
        if kind_of == "adhoc":
            spec.setdefault("baseFilters", [])
            spec.setdefault("filters", [])
            spec.setdefault("defaultKeys", [])
    return out


# ---------------------------------------------------------------------------------------------------------------
# Panels and layout


def _elements_and_layout(panels: list, where: str) -> tuple[dict, dict]:
    elements: dict = {}
    panels = [p for p in panels if isinstance(p, dict)]
    if not any(p.get("type") == "row" for p in panels):
        return elements, _grid([_item(p, _add(elements, p, where), -GRID_ROW_HEIGHT) for p in panels])
    rows: list[dict] = []
    row, row_y = None, -GRID_ROW_HEIGHT
    for p in panels:
        if p.get("type") == "row":
            unknown = sorted(set(p) - ROW_KEYS)
            if unknown:
                raise NotInV2(f"{where}, row {p.get('title')!r}: {', '.join(unknown)} has no place in schema v2")
            row_y = _grid_pos(p)["y"]
            spec = {"title": p.get("title") or "", "collapse": bool(p.get("collapsed")),
                    "layout": _grid([_item(c, _add(elements, c, where), row_y) for c in p.get("panels") or []
                                     if isinstance(c, dict)])}
            if p.get("repeat"):
                spec["repeat"] = {"mode": "variable", "value": p["repeat"]}
            row = {"kind": "RowsLayoutRow", "spec": spec}
            rows.append(row)
            continue
        if row is None:  # panels above the first row: a row without a header (Grafana's conversion does the same)
            row = {"kind": "RowsLayoutRow", "spec": {"title": "", "collapse": False, "hideHeader": True,
                                                     "layout": _grid([])}}
            rows.append(row)
        row["spec"]["layout"]["spec"]["items"].append(_item(p, _add(elements, p, where), row_y))
    return elements, {"kind": "RowsLayout", "spec": {"rows": rows}}


def _grid(items: list) -> dict:
    return {"kind": "GridLayout", "spec": {"items": items}}


def _grid_pos(p: dict) -> dict:
    grid = p.get("gridPos") if isinstance(p.get("gridPos"), dict) else {}
    return {"x": grid.get("x") or 0, "y": grid.get("y") or 0, "w": grid.get("w") or 6, "h": grid.get("h") or 3}


def _item(p: dict, name: str, row_y: int) -> dict:
    grid = _grid_pos(p)
    spec = {"x": grid["x"], "y": grid["y"] - row_y - GRID_ROW_HEIGHT, "width": grid["w"], "height": grid["h"],
            "element": {"kind": "ElementReference", "name": name}}
    if p.get("repeat"):
        repeat = {"mode": "variable", "value": p["repeat"]}
        if p.get("repeatDirection") in ("h", "v"):
            repeat["direction"] = p["repeatDirection"]
        if p.get("maxPerRow"):
            repeat["maxPerRow"] = p["maxPerRow"]
        spec["repeat"] = repeat
    return {"kind": "GridLayoutItem", "spec": spec}


def _add(elements: dict, p: dict, where: str) -> str:
    """Add the element of panel ``p``; its name: ``panel-<id>`` (a second panel of the same id gets a suffix)."""
    pid = p.get("id")
    base = f"panel-{pid if isinstance(pid, int) and not isinstance(pid, bool) else 0}"
    name, n = base, 1
    while name in elements:
        n += 1
        name = f"{base}-{n}"
    elements[name] = _element(p, where)
    return name


def _element(p: dict, where: str) -> dict:
    title = p.get("title") or ""
    pid = p.get("id") if isinstance(p.get("id"), int) and not isinstance(p.get("id"), bool) else 0
    lib = p.get("libraryPanel")
    if isinstance(lib, dict):
        return {"kind": "LibraryPanel", "spec": {"id": pid, "title": title, "libraryPanel": {
            "uid": lib.get("uid") or "", "name": lib.get("name") or ""}}}
    here = f"{where}, panel {title!r}"
    unknown = sorted(set(p) - PANEL_KEYS)
    if unknown:
        raise NotInV2(f"{here}: {', '.join(unknown)} has no place in schema v2")
    field_config = p.get("fieldConfig") if isinstance(p.get("fieldConfig"), dict) else {}
    if set(field_config) - {"defaults", "overrides"}:
        raise NotInV2(f"{here}: fieldConfig keys {sorted(set(field_config) - {'defaults', 'overrides'})} have no "
                      "place in schema v2")
    spec = {"id": pid, "title": title, "description": p.get("description") or "",
            "links": [_data_link(link, here) for link in p.get("links") or []],
            "data": {"kind": "QueryGroup", "spec": {
                "queries": [_panel_query(t, p.get("datasource")) for t in p.get("targets") or []
                            if isinstance(t, dict)],
                "transformations": [_transformation(t, here) for t in p.get("transformations") or []],
                "queryOptions": {k: p[k] for k in QUERY_OPTIONS if k in p}}},
            "vizConfig": {"kind": "VizConfig", "group": p.get("type") or "timeseries",
                          "version": p.get("pluginVersion") or "",
                          "spec": {"options": p.get("options") if isinstance(p.get("options"), dict) else {},
                                   "fieldConfig": {"defaults": field_config.get("defaults") or {},
                                                   "overrides": field_config.get("overrides") or []}}}}
    if "transparent" in p:
        spec["transparent"] = bool(p["transparent"])
    return {"kind": "Panel", "spec": spec}


def _data_link(link: dict, here: str) -> dict:
    unknown = sorted(set(link) - {"title", "url", "targetBlank"})
    if unknown:
        raise NotInV2(f"{here}: panel link {link.get('title')!r}: {', '.join(unknown)} has no place in schema v2")
    out = {"title": link.get("title") or "", "url": link.get("url") or ""}
    if "targetBlank" in link:
        out["targetBlank"] = bool(link["targetBlank"])
    return out


def _panel_query(target: dict, panel_ds) -> dict:
    spec = {k: v for k, v in target.items() if k not in ("refId", "hide", "datasource")}
    return {"kind": "PanelQuery", "spec": {"query": _data_query(target.get("datasource") or panel_ds, spec),
                                           "refId": target.get("refId") or "A", "hidden": bool(target.get("hide"))}}


def _transformation(t: dict, here: str) -> dict:
    unknown = sorted(set(t) - {"id", "options", "disabled", "filter", "topic"})
    if unknown:
        raise NotInV2(f"{here}: transformation {t.get('id')!r}: {', '.join(unknown)} has no place in schema v2")
    spec = {"id": t.get("id") or "", "options": t.get("options", {})}
    for key in ("disabled", "filter", "topic"):
        if key in t:
            spec[key] = t[key]
    return {"kind": t.get("id") or "", "spec": spec}
