"""Turn grafanalib's output into the dashboard JSON current Grafana writes itself.

grafanalib 0.7 serialises for Grafana 5-7: ``schemaVersion`` 12, legacy keys (``rows``, ``sharedCrosshair``,
``hideControls``, ``style``, ``__inputs``, ``timepicker.time_options``), nulls where the schema wants strings,
datasources as bare strings, and threshold steps in the old graph-panel shape. This module is the one place
that knows about it. Keys it does not know are an error rather than silently kept or dropped, so that a new
grafanalib feature cannot sneak invalid JSON past the build.
"""

from __future__ import annotations

from typing import Any

from .errors import BuildError

VERBATIM = "__verbatim__"  # generator.panels.VERBATIM: an object kept as written (generator.panels.verbatim)

# The dashboard JSON model version written; Grafana migrates older ones on load and 39 is what 10.4 - 11.x save.
SCHEMA_VERSION = 39

DASHBOARD_KEYS = {
    "id", "uid", "title", "description", "revision", "gnetId", "tags", "timezone", "editable", "graphTooltip",
    "time", "timepicker", "fiscalYearStartMonth", "liveNow", "weekStart", "refresh", "schemaVersion", "version",
    "panels", "templating", "annotations", "links", "snapshot", "preload",
}
LEGACY_DASHBOARD_KEYS = {"__inputs", "__requires", "rows", "sharedCrosshair", "hideControls", "style", "version"}

PANEL_KEYS = {
    "type", "id", "pluginVersion", "targets", "title", "description", "transparent", "datasource", "gridPos",
    "links", "repeat", "repeatDirection", "maxPerRow", "maxDataPoints", "transformations", "interval", "timeFrom",
    "timeShift", "hideTimeOverride", "timeCompare", "libraryPanel", "cacheTimeout", "queryCachingTTL", "options",
    "fieldConfig",
}
ROW_KEYS = {"type", "collapsed", "title", "datasource", "gridPos", "id", "panels", "repeat"}
# Keys grafanalib writes that current Grafana ignores (``mappings``, ``color`` and ``unit`` move into fieldConfig).
LEGACY_PANEL_KEYS = {"editable", "error", "height", "span", "minSpan", "columns", "fontSize", "styles"}
MOVED_TO_FIELD_DEFAULTS = {"mappings", "color"}

VARIABLE_KEYS = {
    "type", "name", "label", "hide", "skipUrlSync", "description", "query", "datasource", "current", "multi",
    "allowCustomValue", "options", "refresh", "sort", "includeAll", "allValue", "regex", "staticOptions",
    "staticOptionsOrder", "auto", "auto_min", "auto_count", "definition",
}
LEGACY_VARIABLE_KEYS = {"tagValuesQuery", "tagsQuery", "useTags"}
TARGET_KEYS = {"datasource", "expr", "legendFormat", "refId", "format", "instant", "range", "interval", "hide",
               "editorMode", "exemplar"}
LEGACY_TARGET_KEYS = {"metric", "query", "target", "step", "intervalFactor"}
LINK_KEYS = {"title", "type", "icon", "tooltip", "url", "tags", "asDropdown", "targetBlank", "includeVars",
             "keepTime", "placement"}


_SCALARS = (str, int, float, bool, type(None))


def to_plain(obj: Any) -> Any:
    """grafanalib objects to plain dicts and lists, without the json round trip."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is dict:
        return {k if type(k) is str else str(k): to_plain(v) for k, v in obj.items()}
    if kind is list or kind is tuple:
        return [to_plain(v) for v in obj]
    if hasattr(obj, "to_json_data"):
        return to_plain(obj.to_json_data())
    if isinstance(obj, dict):
        return to_plain(dict(obj))
    if isinstance(obj, (list, tuple)):
        return to_plain(list(obj))
    return obj


def to_plain_mapped(obj: Any, record, pointer: str = "") -> Any:
    """:func:`to_plain` that calls ``record(pointer, obj)`` for every object it serialises (a grafanalib object
    becomes the JSON at that RFC 6901 pointer). Normalisation keeps the order of panels and targets, so the
    pointers hold in the normalised dashboard too."""
    if type(obj) in _SCALARS:
        return obj
    if hasattr(obj, "to_json_data"):
        record(pointer, obj)
        return to_plain_mapped(obj.to_json_data(), record, pointer)
    # A scalar needs no pointer: most values are, and building their pointers was a third of a build.
    if isinstance(obj, dict):
        return {k if type(k) is str else str(k):
                v if type(v) in _SCALARS else to_plain_mapped(v, record, _join(pointer, k)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [v if type(v) in _SCALARS else to_plain_mapped(v, record, f"{pointer}/{i}") for i, v in enumerate(obj)]
    return obj


def _join(pointer: str, key) -> str:
    return pointer + "/" + str(key).replace("~", "~0").replace("/", "~1")


def normalize_dashboard(raw: dict) -> dict:
    """A schema-valid, current-Grafana dashboard from grafanalib's ``to_json_data()`` (plain or not)."""
    return normalize_plain(to_plain(raw))


def normalize_plain(raw: dict) -> dict:
    """:func:`normalize_dashboard` of plain dicts and lists of the caller's own (as :func:`to_plain` returns):
    they are changed in place and reused."""
    where = f"dashboard {raw.get('uid') or raw.get('title')!r}"
    if raw.get("rows"):
        raise BuildError(f"{where}: uses legacy `rows`; declare panels with generator.panels.row(...) instead")
    out = {}
    for key, value in raw.items():
        if key in LEGACY_DASHBOARD_KEYS or value is None:
            continue
        if key not in DASHBOARD_KEYS:
            raise BuildError(f"{where}: unknown dashboard key {key!r}; teach generator/normalize.py about it")
        out[key] = value
    out["id"] = None  # Grafana assigns ids; a compiled dashboard is identified by its uid
    out["schemaVersion"] = SCHEMA_VERSION
    timepicker = {k: v for k, v in (out.get("timepicker") or {}).items() if k != "time_options" and v is not None}
    out["timepicker"] = timepicker
    out["links"] = [normalize_link(link, where) for link in out.get("links", [])]
    out["panels"] = [normalize_panel(p, where) for p in out.get("panels", [])]
    variables = (out.get("templating") or {}).get("list", [])
    out["templating"] = {"list": [normalize_variable(v, where) for v in variables]}
    out["annotations"] = out.get("annotations") or {"list": []}
    return out


def normalize_link(link: dict, where: str) -> dict:
    """One dashboard link of plain data, as :func:`normalize_plain` writes it (``where`` names it in errors)."""
    if link.pop(VERBATIM, False):
        return link
    unknown = set(link) - LINK_KEYS - {"uri"}
    if unknown:
        raise BuildError(f"{where}: unknown link keys {sorted(unknown)}")
    out = {k: v for k, v in link.items() if v is not None}
    if "uri" in out:
        out["url"] = out.pop("uri")
    return out


def normalize_panel(panel: dict, where: str) -> dict:
    """One panel (a row: with its panels) of plain data, as :func:`normalize_plain` writes it."""
    title = panel.get("title")
    here = f"{where}, panel {title!r}"
    if panel.pop(VERBATIM, False):
        if panel.get("type") == "row" and isinstance(panel.get("panels"), list):
            panel["panels"] = [normalize_panel(p, where) for p in panel["panels"]]
        return panel
    if panel.get("type") == "row":
        out = {k: v for k, v in panel.items() if k in ROW_KEYS and v is not None and k != "datasource"}
        out["panels"] = [normalize_panel(p, where) for p in out.get("panels", [])]
        return out
    out: dict[str, Any] = {}
    moved: dict[str, Any] = {}
    for key, value in panel.items():
        if key in LEGACY_PANEL_KEYS or value is None:
            continue
        if key in MOVED_TO_FIELD_DEFAULTS:
            moved[key] = value
            continue
        if key not in PANEL_KEYS:
            raise BuildError(f"{here}: unknown panel key {key!r}; teach generator/normalize.py about it")
        out[key] = value
    for key in ("timeFrom", "timeShift", "interval", "cacheTimeout", "repeat", "repeatDirection", "maxPerRow"):
        if out.get(key) in ("", None):
            out.pop(key, None)
    field_config = out.setdefault("fieldConfig", {})
    defaults = _strip_none(field_config.get("defaults") or {})
    for key, value in moved.items():
        if value not in ([], {}, ""):
            defaults.setdefault(key, value)
    if "thresholds" in defaults:
        defaults["thresholds"] = _thresholds(defaults["thresholds"])
    field_config["defaults"] = defaults
    field_config["overrides"] = field_config.get("overrides") or []
    if isinstance(out.get("options"), list):  # grafanalib writes [] for panels without options
        out["options"] = {}
    out["links"] = [_strip_none(link) for link in out.get("links", [])]
    panel_ds = out.get("datasource")
    out["targets"] = [_target(t, panel_ds, here) for t in out.get("targets", [])]
    return out


def _thresholds(th: dict) -> dict:
    steps = th.get("steps") or []
    clean = []
    for step in steps:
        value = step.get("value")
        if value == "null":  # grafanalib's spelling of minus infinity
            value = None
        clean.append({"color": step.get("color"), "value": value})
    return {"mode": th.get("mode") or "absolute", "steps": clean}


def _target(target: dict, panel_ds: Any, where: str) -> dict:
    unknown = set(target) - TARGET_KEYS - LEGACY_TARGET_KEYS
    if unknown:
        raise BuildError(f"{where}: unknown target keys {sorted(unknown)}")
    out = {k: v for k, v in target.items() if k in TARGET_KEYS and v is not None}
    out["datasource"] = out.get("datasource") or panel_ds
    if not out["datasource"]:
        out.pop("datasource")
    if out.get("interval") == "":
        out.pop("interval")
    if out.get("hide") is False:
        out.pop("hide")
    out["instant"] = bool(out.get("instant"))
    out["range"] = not out["instant"]
    out["editorMode"] = "code"
    return out


def normalize_variable(var: dict, where: str) -> dict:
    """One template variable of plain data, as :func:`normalize_plain` writes it."""
    here = f"{where}, variable {var.get('name')!r}"
    if var.pop(VERBATIM, False):
        return var
    out: dict[str, Any] = {}
    for key, value in var.items():
        if key in LEGACY_VARIABLE_KEYS or value is None:
            continue
        if key not in VARIABLE_KEYS:
            raise BuildError(f"{here}: unknown variable key {key!r}; teach generator/normalize.py about it")
        out[key] = value
    if out.get("type") != "interval":
        for key in ("auto", "auto_count", "auto_min"):
            out.pop(key, None)
    if out.get("type") == "datasource":  # Grafana sorts data sources itself; schema v2 has no such field
        out.pop("sort", None)
    if isinstance(out.get("datasource"), str):
        out["datasource"] = {"type": "prometheus", "uid": out["datasource"]}
    current = {k: v for k, v in (out.get("current") or {}).items() if k in ("selected", "text", "value")}
    if out.get("includeAll") and current.get("value") in ("All", "$__all"):
        current = {"selected": True, "text": ["All"], "value": ["$__all"]} if out.get("multi") else \
            {"selected": True, "text": "All", "value": "$__all"}
    if current.get("text") is None or current.get("value") is None:
        current = {}
    if current:
        out["current"] = current
    else:
        out.pop("current", None)
    if out.get("type") == "query" and isinstance(out.get("query"), str):
        out["definition"] = out["query"]
    return out


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value]
    return value
