"""A schema v2 dashboard (``dashboard.grafana.app/v2alpha1|v2beta1|v2``, or its bare ``spec``) -> classic JSON.

Grafana's own conversion back (``apps/dashboard/pkg/migration/conversion/v2alpha1_to_v1beta1.go``) is the model:
elements placed by the layout become ``panels`` with a ``gridPos`` (a row's items below its header, a collapsed
row's inside it; tabs become rows; an auto grid is laid out on the 24 columns), the ``DataQuery`` s ``targets``
with ``datasource: {type: group, uid: datasource.name}``, the VizConfig group the panel ``type``, and so on. Where
classic JSON leaves a key out when it has its default (a variable's empty ``regex``, ``skipUrlSync: false``, a
panel's empty description), so does the reader, so that :mod:`.v2_write` and this module give a build's classic
dashboard back unchanged. Row headers have no id in v2: each gets the next id after those before it.

:func:`read` also says where each classic object came from (``origins``: classic object -> v2 object, for line
numbers) and maps the JSON pointers the linter uses (``pointers``: classic pointer -> v2 pointer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..normalize import SCHEMA_VERSION
from .enums import (
    CURSOR_SYNC,
    LEGACY_STRING,
    QUERY_OPTIONS,
    VARIABLE_HIDE,
    VARIABLE_REFRESH,
    VARIABLE_SORT,
    VARIABLE_TYPES,
    number,
)
from .layout import panels_of


@dataclass
class Reading:
    classic: dict
    origins: list = field(default_factory=list)  # (classic object, the v2 object it came from)
    pointers: dict[str, str] = field(default_factory=dict)  # classic JSON pointer -> pointer in the v2 document
    prefix: str | None = None  # a v1 resource: every classic pointer is the same under this prefix

    def pointer(self, classic: str) -> str:
        """Where the object at the classic pointer ``classic`` is in the document read: its own place, else that
        of its nearest mapped parent; unchanged for classic JSON."""
        if self.prefix is not None:
            return self.prefix + classic
        if not self.pointers:
            return classic
        probe = classic
        while probe not in self.pointers and probe:
            probe = probe.rsplit("/", 1)[0]
        return self.pointers.get(probe, classic)


def read(doc: dict, base: str = "") -> Reading:
    """``doc``: a v2 resource (its ``spec`` at ``base + "/spec"``) or a bare v2 spec."""
    if isinstance(doc.get("spec"), dict) and "apiVersion" in doc:
        spec, prefix, uid = doc["spec"], f"{base}/spec", (doc.get("metadata") or {}).get("name")
    else:
        spec, prefix, uid = doc, base, doc.get("uid")
    reading = Reading({})
    dash = reading.classic
    reading.origins.append((dash, doc))
    reading.pointers[""] = base
    dash["uid"] = uid or ""
    dash["id"] = None
    dash["title"] = spec.get("title") or ""
    for key in ("description", "editable", "revision"):
        if key in spec:
            dash[key] = spec[key]
    if spec.get("liveNow"):
        dash["liveNow"] = True
    if spec.get("preload"):
        dash["preload"] = True
    dash["tags"] = list(spec.get("tags") or [])
    dash["graphTooltip"] = number(CURSOR_SYNC, spec.get("cursorSync"))
    _time_settings(spec.get("timeSettings") or {}, dash)
    dash["links"] = [_dashboard_link(link) for link in spec.get("links") or [] if isinstance(link, dict)]
    dash["annotations"] = {"list": [_annotation(a) for a in spec.get("annotations") or [] if isinstance(a, dict)]}
    variables = []
    for index, v in enumerate(spec.get("variables") or []):
        if isinstance(v, dict):
            reading.pointers[f"/templating/list/{len(variables)}"] = f"{prefix}/variables/{index}"
            variables.append(_variable(v))
            reading.origins.append((variables[-1], v))
    dash["templating"] = {"list": variables}
    dash["panels"] = panels_of(spec.get("elements") or {}, spec.get("layout") or {}, reading, prefix, panel)
    dash["schemaVersion"] = SCHEMA_VERSION
    return reading


def _time_settings(ts: dict, dash: dict) -> None:
    dash["time"] = {"from": ts.get("from") or "now-6h", "to": ts.get("to") or "now"}
    if "timezone" in ts:
        dash["timezone"] = ts["timezone"]
    dash["refresh"] = ts.get("autoRefresh") or ""
    if ts.get("fiscalYearStartMonth"):
        dash["fiscalYearStartMonth"] = ts["fiscalYearStartMonth"]
    if ts.get("weekStart"):
        dash["weekStart"] = ts["weekStart"]
    picker = {"hidden": bool(ts.get("hideTimepicker"))}
    if ts.get("autoRefreshIntervals"):
        picker["refresh_intervals"] = list(ts["autoRefreshIntervals"])
    if ts.get("nowDelay"):
        picker["nowDelay"] = ts["nowDelay"]
    if ts.get("quickRanges"):
        picker["quick_ranges"] = [dict(r) for r in ts["quickRanges"] if isinstance(r, dict)]
    dash["timepicker"] = picker


def _dashboard_link(link: dict) -> dict:
    out = {k: link.get(k, default) for k, default in (("title", ""), ("type", "link"), ("icon", ""), ("tooltip", ""),
                                                      ("tags", []), ("asDropdown", False), ("targetBlank", False),
                                                      ("includeVars", False), ("keepTime", False))}
    for key in ("url", "placement"):
        if key in link:
            out[key] = link[key]
    return out


def _datasource(query: dict) -> dict | None:
    """The classic ``{type, uid}`` of a DataQuery (v2beta1: group + datasource.name; v2alpha1: kind)."""
    group = query.get("group")
    if group is None and query.get("kind") not in (None, "DataQuery"):
        group = query.get("kind")  # v2alpha1 names the data source type as the query's kind
    name = (query.get("datasource") or {}).get("name") if isinstance(query.get("datasource"), dict) else None
    if not group and not name:
        return None
    out = {"type": group} if group else {}
    if name:
        out["uid"] = name
    return out


def _annotation(a: dict) -> dict:
    spec = a.get("spec") if isinstance(a.get("spec"), dict) else {}
    out = dict(spec.get("legacyOptions") or {})
    out.update(name=spec.get("name") or "", enable=bool(spec.get("enable")), hide=bool(spec.get("hide")),
               iconColor=spec.get("iconColor") or "")
    query = spec.get("query") if isinstance(spec.get("query"), dict) else {}
    ds = _datasource(query) or spec.get("datasource")  # v2alpha1 kept it on the annotation
    if ds:
        out["datasource"] = ds
    if query.get("spec"):
        out["target"] = dict(query["spec"])
    for key in ("builtIn", "filter", "mappings"):
        if key in spec:
            out[key] = int(spec[key]) if key == "builtIn" else spec[key]
    return out


def _option(option) -> dict:
    option = option if isinstance(option, dict) else {}
    out = {}
    if "selected" in option:
        out["selected"] = option["selected"]
    out.update(text=option.get("text", ""), value=option.get("value", ""))
    return out


def _variable(v: dict) -> dict:
    spec = v.get("spec") if isinstance(v.get("spec"), dict) else {}
    type_ = VARIABLE_TYPES.get(v.get("kind"), "query")
    out: dict = {"type": type_, "name": spec.get("name") or "", "hide": number(VARIABLE_HIDE, spec.get("hide"))}
    for key in ("label", "description", "allValue", "definition", "regexApplyTo", "placeholder", "staticOptionsOrder",
                "valuesFormat", "auto", "auto_min", "auto_count", "baseFilters", "filters", "defaultKeys",
                "defaultValue"):
        if key in spec:
            out[key] = spec[key]
    if spec.get("skipUrlSync"):
        out["skipUrlSync"] = True
    if "current" in spec:
        out["current"] = _option(spec["current"])
    for key in ("options", "staticOptions"):
        if key in spec:
            out[key] = [_option(o) for o in spec[key] or []]
    for key in ("multi", "includeAll"):
        if key in spec:
            out[key] = bool(spec[key])
    if spec.get("allowCustomValue") is False:
        out["allowCustomValue"] = False
    if spec.get("regex"):
        out["regex"] = spec["regex"]
    if "refresh" in spec and type_ != "interval":
        out["refresh"] = number(VARIABLE_REFRESH, spec["refresh"])
    if type_ == "query":
        query = spec.get("query") if isinstance(spec.get("query"), dict) else {}
        ds = _datasource(query) or spec.get("datasource")
        if ds:
            out["datasource"] = ds
        body = query.get("spec") if isinstance(query.get("spec"), dict) else {}
        out["query"] = body[LEGACY_STRING] if isinstance(body.get(LEGACY_STRING), str) else dict(body)
        out["sort"] = number(VARIABLE_SORT, spec.get("sort"))
    elif type_ == "datasource":
        out["query"] = spec.get("pluginId") or ""
    elif type_ in ("custom", "constant", "textbox", "interval"):
        out["query"] = spec.get("query") or ""
    else:  # adhoc, groupby
        ds = _datasource({"group": v.get("group"), "datasource": v.get("datasource")}) or spec.get("datasource")
        if ds:
            out["datasource"] = ds
    return out


def panel(element: dict, reading: Reading) -> dict:
    """The classic panel of one element, without its ``gridPos`` (the layout gives it)."""
    spec = element.get("spec") if isinstance(element.get("spec"), dict) else {}
    pid = spec.get("id")
    pid = int(pid) if isinstance(pid, float) and pid.is_integer() else pid
    if element.get("kind") == "LibraryPanel":
        lib = spec.get("libraryPanel") or {}
        return {"id": pid, "title": spec.get("title") or "", "libraryPanel": {"uid": lib.get("uid", ""),
                                                                               "name": lib.get("name", "")}}
    viz = spec.get("vizConfig") if isinstance(spec.get("vizConfig"), dict) else {}
    viz_spec = viz.get("spec") if isinstance(viz.get("spec"), dict) else {}
    data = (spec.get("data") or {}).get("spec") or {} if isinstance(spec.get("data"), dict) else {}
    panel: dict = {"type": viz.get("group") or (viz.get("kind") if viz.get("kind") != "VizConfig" else "")
                   or "timeseries", "id": pid, "title": spec.get("title") or ""}
    if spec.get("description"):
        panel["description"] = spec["description"]
    version = viz.get("version") or viz_spec.get("pluginVersion")
    if version:
        panel["pluginVersion"] = version
    panel["links"] = [dict(link) for link in spec.get("links") or [] if isinstance(link, dict)]
    targets, sources = [], set()
    for q in data.get("queries") or []:
        if not isinstance(q, dict):
            continue
        target = _target(q)
        reading.origins.append((target, q))
        sources.add(repr(target.get("datasource")))
        targets.append(target)
    panel["targets"] = targets
    if targets and len(sources) == 1 and targets[0].get("datasource"):
        panel["datasource"] = dict(targets[0]["datasource"])
    elif len(sources) > 1:
        panel["datasource"] = {"type": "datasource", "uid": "-- Mixed --"}
    panel["transformations"] = [_transformation(t) for t in data.get("transformations") or [] if isinstance(t, dict)]
    options = data.get("queryOptions") if isinstance(data.get("queryOptions"), dict) else {}
    panel.update({k: options[k] for k in QUERY_OPTIONS if k in options})
    panel["options"] = dict(viz_spec.get("options") or {})
    field_config = viz_spec.get("fieldConfig") if isinstance(viz_spec.get("fieldConfig"), dict) else {}
    panel["fieldConfig"] = {"defaults": dict(field_config.get("defaults") or {}),
                            "overrides": list(field_config.get("overrides") or [])}
    if "transparent" in spec:
        panel["transparent"] = spec["transparent"]
    return panel


def _target(q: dict) -> dict:
    spec = q.get("spec") if isinstance(q.get("spec"), dict) else {}
    query = spec.get("query") if isinstance(spec.get("query"), dict) else {}
    target = dict(query.get("spec") or {})
    ds = _datasource(query) or spec.get("datasource")  # v2alpha1 kept it on the PanelQuery
    if ds:
        target["datasource"] = dict(ds)
    target["refId"] = spec.get("refId") or "A"
    if spec.get("hidden"):
        target["hide"] = True
    return target


def _transformation(t: dict) -> dict:
    spec = t.get("spec") if isinstance(t.get("spec"), dict) else {}
    out = {"id": spec.get("id") or t.get("kind") or "", "options": spec.get("options", {})}
    for key in ("disabled", "filter", "topic"):
        if key in spec:
            out[key] = spec[key]
    return out
