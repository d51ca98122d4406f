"""Which house helper, called how, writes exactly this panel, variable or link?

Each candidate call is built from the JSON, evaluated, rendered through the build's normalisation and compared
with the input: a helper is used only where it reproduces the JSON exactly, so the round trip can never change a
dashboard. (A dashboard built by this tool comes back as helper calls; one made in Grafana mostly does not.)
"""

from __future__ import annotations

from .. import normalize
from .. import panels as P
from .pysource import Code, call

DATASOURCE = P.DATASOURCE


def _defaults(panel: dict) -> dict:
    fc = panel.get("fieldConfig")
    return fc.get("defaults") or {} if isinstance(fc, dict) else {}


def _target_args(t: dict) -> list | None:
    if not isinstance(t, dict) or t.get("datasource") != DATASOURCE or not isinstance(t.get("expr"), str):
        return None
    args: list = [t["expr"]]
    if t.get("legendFormat"):
        args.append(t["legendFormat"])
    if t.get("instant"):
        args.append(("instant", True))
    if t.get("format") == "table":
        args.append(("table", True))
    if t.get("format") == "heatmap":
        args.append(("heatmap", True))
    return args


def _queries(panel: dict):
    out = []
    for t in panel.get("targets") or []:
        args = _target_args(t)
        if args is None:
            return None
        out.append(Code("P.target", args))
    return out


def _steps(defaults: dict, default_green: bool = True) -> list:
    steps = (defaults.get("thresholds") or {}).get("steps") or []
    if steps == [{"color": P.GREEN, "value": None}] and default_green:
        return []
    return [("steps", [dict(s) for s in steps])]


def _candidates(panel: dict, pos: dict):

    kind, d = panel.get("type"), _defaults(panel)
    queries = _queries(panel)
    if queries is None or not queries:
        return
    head = [panel.get("title") or "", panel.get("description") or "", d.get("unit") or ""]
    links = [("links", d["links"])] if d.get("links") else []
    custom, options = d.get("custom") or {}, panel.get("options") or {}
    if kind == "timeseries":
        args = head + queries
        if (custom.get("stacking") or {}).get("mode") == "normal":
            args.append(("stack", True))
        if custom.get("fillOpacity", 10) != 10:
            args.append(("fill", custom.get("fillOpacity")))
        if d.get("min", 0) != 0:
            args.append(("min", d.get("min")))
        if d.get("max") is not None:
            args.append(("max", d["max"]))
        args += _steps(d)
        calcs = (options.get("legend") or {}).get("calcs")
        if calcs is not None and calcs != ["mean", "max"]:
            args.append(("legend_calcs", tuple(calcs)))
        if custom.get("drawStyle") == "bars":
            args.append(("bars", True))
        if panel.get("interval"):
            args.append(("interval", panel["interval"]))
        yield "P.timeseries", args + links, (12, 8)
    elif kind == "stat" and len(queries) == 1:
        args = head + queries + _steps(d)
        if d.get("decimals") is not None:
            args.append(("decimals", d["decimals"]))
        if options.get("graphMode") == "none":
            args.append(("graph", False))
        calcs = (options.get("reduceOptions") or {}).get("calcs") or ["lastNotNull"]
        if calcs != ["lastNotNull"]:
            args.append(("calc", calcs[0]))
        if d.get("mappings"):
            args.append(("mappings", d["mappings"]))
        if panel.get("timeFrom"):
            args.append(("time_from", panel["timeFrom"]))
        yield "P.stat", args + links, (6, 5)
    elif kind == "table":
        organize = [t for t in panel.get("transformations") or [] if isinstance(t, dict) and t.get("id") == "organize"]
        hide = list((organize[0].get("options") or {}).get("excludeByName") or {}) if organize else []
        args = head + queries + ([("hide", hide)] if hide != ["Time"] else [])
        sort = options.get("sortBy") or []
        if sort and isinstance(sort[0], dict) and sort[0].get("displayName"):
            args.append(("sort_by", sort[0]["displayName"]))
        yield "P.table", args + links, (24, 9)
    elif kind == "heatmap" and len(queries) == 1:
        yield "P.heatmap", head + queries, (24, 9)
    elif kind == "bargauge" and len(queries) == 1:
        yield "P.bar_gauge", head + queries + _steps(d), (12, 8)


def _render_panel(source: str) -> dict:
    obj = eval(source, {"P": P})  # our own generated call, built from literals
    data = normalize.normalize_panel(normalize.to_plain(obj), "import")
    return {k: v for k, v in data.items() if k not in ("id", "gridPos")}


def fit_panel(panel: dict, pos: dict):
    """(helper name, arguments, its default (width, height)) of the house helper that writes ``panel``, or None."""
    want = {k: v for k, v in panel.items() if k not in ("id", "gridPos")}
    for name, args, default in _candidates(panel, pos):
        sized = args + [("width", pos["w"]), ("height", pos["h"])]
        try:
            got = _render_panel("\n".join(call(name, sized, 0, suffix="")))
        except Exception:  # a value the helper refuses: not this helper
            continue
        if got == want:
            return name, args, default
    return None


def fit_variable(var: dict):
    """The call of a house helper that writes the variable ``var``, or None."""
    if not isinstance(var, dict):
        return None
    candidates = []
    if var.get("type") == "datasource" and var.get("name") == P.DATASOURCE_VARIABLE:
        candidates.append(("P.datasource_variable", [var.get("current", {}).get("text") or "Prometheus"]
                           if False else []))
    if var.get("type") == "query" and isinstance(var.get("query"), str):
        args = [var.get("name"), var.get("label") or "", var["query"]]
        if not var.get("multi"):
            args.append(("multi", False))
        if not var.get("includeAll"):
            args.append(("include_all", False))
        candidates.append(("P.query_variable", args))
    for name, args in candidates:
        if _renders(name, args, var, normalize.normalize_variable):
            return name, args
    return None


def fit_link(link: dict):
    if not isinstance(link, dict) or not str(link.get("url", "")).startswith("/d/"):
        return None
    args = [link.get("title") or "", link["url"][3:]]
    return ("P.link", args) if _renders("P.link", args, link, normalize.normalize_link) else None


def _renders(name: str, args: list, want: dict, norm) -> bool:
    try:
        obj = eval("\n".join(call(name, args, 0, suffix="")), {"P": P})
        return norm(normalize.to_plain(obj), "import") == want
    except Exception:  # not this helper
        return False
