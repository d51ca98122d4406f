"""Python source for an imported dashboard, in the house style: one ``P.dashboard(...)`` call whose rows hold
one call per panel. Panels, variables and links that a house helper would write exactly (see :mod:`.fit`) become
that helper's call; the rest is kept as written, through :func:`generator.panels.verbatim` (panels) and
:func:`generator.panels.verbatim_item` (variables, links), with a comment saying why. Positions are left out
wherever the automatic layout of :func:`generator.panels.layout` gives the same grid; elsewhere ``P.at(x, y, ...)``
places a panel. Lines stay within 120 characters; the output is a pure function of the input.
"""

from __future__ import annotations

from .dashboard import Group, Prepared, plan, row_extra
from .fit import fit_link, fit_panel, fit_variable
from .pysource import WIDTH, Code, call

# ---------------------------------------------------------------------------------------------------------------
# The module


def _size_args(pos: dict, default: tuple[int, int]) -> list:
    out = []
    if pos["w"] != default[0]:
        out.append(("width", pos["w"]))
    if pos["h"] != default[1]:
        out.append(("height", pos["h"]))
    return out


def _grid(panel: dict) -> dict:
    g = panel.get("gridPos") if isinstance(panel.get("gridPos"), dict) else {"w": 6, "h": 3}  # Grafana's default
    w, h = g.get("w"), g.get("h")
    w = w if isinstance(w, int) and 1 <= w <= 24 else 12
    h = h if isinstance(h, int) and h >= 1 else 8
    x = g.get("x") if isinstance(g.get("x"), int) else 0
    y = g.get("y") if isinstance(g.get("y"), int) else 0
    return {"x": x, "y": y, "w": w, "h": h}


def _panel_code(panel: dict, place: tuple[int, int] | None) -> Code:
    pos = _grid(panel)
    fitted = fit_panel(panel, pos)
    if fitted is not None:
        name, args, default = fitted
        code = Code(name, args + _size_args(pos, default))
    else:
        code = Code("P.verbatim", [{k: v for k, v in panel.items() if k not in ("id", "gridPos")}]
                    + _size_args(pos, (12, 8)), _why(panel))
    if place is not None:
        code = Code("P.at", [place[0], place[1], code], code.comment)
        code.args[2].comment = ""
    return code


def _why(panel: dict) -> str:
    kind = panel.get("type") or "untyped"
    lib = panel.get("libraryPanel")
    if isinstance(lib, dict):
        return f"library panel {lib.get('name')!r} (uid {lib.get('uid')}): a reference; Grafana holds its content"
    sources = sorted({str(ds.get("type")) for t in panel.get("targets") or [] if isinstance(t, dict)
                      for ds in [t.get("datasource")] if isinstance(ds, dict) and ds.get("type") not in
                      (None, "prometheus", "datasource")})
    more = f", queries of {', '.join(sources)}" if sources else ""
    return f"{kind} panel{more}: kept as written (no house helper draws it so)"


def _rows_code(groups: list[Group]) -> Code:
    rows, y = [], 0
    for g in groups:
        args: list = []
        if g.row is not None:
            head = _grid(g.row)
            args.append(g.row.get("title") if isinstance(g.row.get("title"), str) else "")
            row_y = head["y"] if "gridPos" in g.row else y
            at_row = row_y if row_y != y else None
            y = row_y + 1
        else:
            args.append(None)
            at_row = None
        top, x, line, bottom = y, 0, 0, y
        for p in g.panels:
            pos = _grid(p)
            cx, cy, cline = (0, y + line, 0) if x + pos["w"] > 24 else (x, y, line)
            if (cx, cy) == (pos["x"], pos["y"]):  # where the automatic flow puts it: no coordinates
                x, y, line = cx + pos["w"], cy, max(cline, pos["h"])
                args.append(_panel_code(p, None))
            else:
                args.append(_panel_code(p, (pos["x"], pos["y"])))
            bottom = max(bottom, pos["y"] + pos["h"])
        y = max(y + line, bottom)
        collapsed = g.row is not None and bool(g.row.get("collapsed"))
        if collapsed:
            args.append(("collapsed", True))
            y = top
        if at_row is not None:
            args.append(("at", at_row))
        extra = row_extra(g.row) if g.row is not None else {}
        if extra:
            args.append(("extra", extra))
        rows.append(Code("P.row", args))
    return Code(None, rows)


def _dashboard_args(dash: dict, uid: str, add_datasource: bool) -> list:
    tags = [t for t in dash.get("tags") or [] if isinstance(t, str)]
    time = dash.get("time") if isinstance(dash.get("time"), dict) else {}
    args: list = [("uid", uid), ("title", dash.get("title") or uid), ("description", dash.get("description") or "")]
    if tags:
        args.append(("tags", tags))
        if tags != sorted(tags):
            args.append(("sort_tags", False))
    for key, keyword, default in (("from", "time_from", "now-6h"), ("to", "time_to", "now")):
        if time.get(key, default) != default:
            args.append((keyword, time.get(key)))
    for key, keyword, default in (("refresh", "refresh", "1m"), ("timezone", "timezone", "browser"),
                                  ("graphTooltip", "graph_tooltip", 1)):
        value = dash.get(key, 0 if key == "graphTooltip" else None)  # Grafana's default: no shared crosshair
        if value != default:
            args.append((keyword, value))
    if not add_datasource:
        args.append(("add_datasource", False))
    annotations = (dash.get("annotations") or {}).get("list") if isinstance(dash.get("annotations"), dict) else None
    if annotations:
        args.append(("annotations", annotations))
    handled = {"uid", "title", "description", "tags", "time", "refresh", "timezone", "graphTooltip", "annotations",
               "panels", "templating", "links", "id", "version", "schemaVersion"}
    settings = {k: v for k, v in dash.items() if k not in handled}
    settings.setdefault("editable", None)  # grafanalib writes editable: true and a time picker of its own
    settings.setdefault("timepicker", {})
    if settings.get("editable") is True:
        del settings["editable"]
    args.append(("settings", settings))
    variables = [v for v in (dash.get("templating") or {}).get("list") or [] if isinstance(v, dict)]
    if variables:
        args.append(("variables", Code(None, [_item_code(v, fit_variable(v)) for v in variables])))
    links = [link for link in dash.get("links") or [] if isinstance(link, dict)]
    if links:
        args.append(("links", Code(None, [_item_code(link, fit_link(link)) for link in links])))
    return args


def _item_code(item: dict, fitted) -> Code:
    if fitted is not None:
        return Code(*fitted)
    return Code("P.verbatim_item", [item])


def module_source(prepared: Prepared, uid: str, source: str) -> str:
    """The Python module declaring the prepared dashboard, as text."""
    dash = prepared.dashboard
    doc = [f"{dash.get('title') or uid}: imported from {source} by `ai-monitoring-as-code import`."]
    if prepared.notes:
        doc += ["", "Notes from the import:"] + [f"- {n}" for n in prepared.notes]
    args = _dashboard_args(dash, uid, prepared.add_datasource)
    args.append(("rows", _rows_code(plan(dash))))
    head = _wrap_doc(['"""' + _docline(doc[0])] + [_docline(d) for d in doc[1:]] + ['"""'])
    if len(head) == 2:  # a one-line docstring closes on its line, as ruff format writes it, if it fits there
        head = [head[0] + '"""'] if len(head[0]) + 3 <= WIDTH else _wrap_doc([head[0]], WIDTH - 3) + ['"""']
    body = call("P.dashboard", args, 0, suffix="", prefix="dashboard = ")
    return "\n".join([*head, "", "from generator import panels as P", "", *body]) + "\n"


def _docline(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _wrap_doc(lines: list[str], width: int = WIDTH) -> list[str]:
    """Lines wrapped at WIDTH between words (a word longer than a line stays whole); a list item's continuation
    indented under its text, any other line's not (ruff format strips an indentation common to every line)."""
    out = []
    for line in lines:
        indent = "  " if line.startswith("- ") else ""
        while len(line) > width:
            cut = line.rfind(" ", len(indent) + 1, width)
            if cut <= 0:
                break
            out.append(line[:cut].rstrip())
            line = indent + line[cut:].lstrip()
        out.append(line.rstrip())
    return out
