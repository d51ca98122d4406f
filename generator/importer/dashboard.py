"""A Grafana dashboard as Grafana shows it, ready to be written as Python: unwrapped, migrated, grouped in rows.

Input is any of the shapes people have: a bare dashboard, an export ("Export for sharing externally": the
dashboard with ``__inputs`` and ``__requires``), what the HTTP API returns (``{"dashboard": ..., "meta": ...}``), or
a ``dashboard.grafana.app`` resource as ``/apis`` and Git Sync hold it (v1: that JSON under ``spec``; schema v2).
:func:`prepare` turns it into the dashboard Grafana itself would show:

- legacy ``rows`` (before Grafana 5) become panels on the 24-column grid, as Grafana's own migration places them
  (``DashboardMigrator.upgradeToGridLayout``); a row header is one grid line high;
- a Prometheus data-source input of an export (``${DS_PROMETHEUS}``) becomes the house ``$datasource`` variable,
  a constant input its value; other inputs stay, with a note;
- keys Grafana keeps only for import (``__inputs``, ``__requires``, ``__elements``) or no longer reads are named in
  a note, not carried.

:func:`plan` groups the panels into :class:`Group` s (a row header and its panels) for :mod:`.codegen`.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field

from ..dashboard_schema import kind_of, to_classic
from ..errors import GeneratorError
from ..normalize import DASHBOARD_KEYS

GRID = 24
ROW_KEYS_WRITTEN = {"type", "title", "collapsed", "gridPos", "id", "panels"}
# Row keys the build drops anyway (generator.normalize keeps only ROW_KEYS): no need to keep them verbatim.
ROW_KEYS_IGNORED = {"datasource", "targets", "showTitle", "titleSize", "height", "span", "editable", "error",
                    "description"}
FOR_IMPORT_ONLY = ("__inputs", "__requires", "__elements")


class ImportError_(GeneratorError):
    """Input that is not a Grafana dashboard."""


@dataclass
class Group:
    """A row header (None: the panels above the first row) and the panels under it."""

    row: dict | None
    panels: list[dict] = field(default_factory=list)


@dataclass
class Prepared:
    dashboard: dict
    notes: list[str] = field(default_factory=list)
    add_datasource: bool = False  # panels use ${datasource} from an export's input; the house variable supplies it


def unwrap(raw, where: str) -> dict:
    """The classic dashboard of ``raw``: itself, the ``dashboard`` of an API answer, or the classic reading of a
    dashboard.grafana.app resource (v1: the classic JSON of its ``spec``; v2: converted, generator.dashboard_schema)."""
    if kind_of(raw) in ("v1", "v2"):
        raw = to_classic(raw)
    if isinstance(raw, dict) and isinstance(raw.get("dashboard"), dict) and "panels" not in raw and "rows" not in raw:
        raw = raw["dashboard"]
    if not isinstance(raw, dict) or not ("panels" in raw or "rows" in raw or "title" in raw):
        raise ImportError_(f"{where}: not a Grafana dashboard (no title, panels or rows)")
    return raw


def prepare(raw, where: str = "dashboard") -> Prepared:
    dash = copy.deepcopy(unwrap(raw, where))
    out = Prepared(dash)
    _inputs(out)
    if dash.get("rows"):
        out.notes.append("legacy `rows` laid out on the grid as Grafana's migration does")
        _migrate_rows(dash)
    dash.pop("rows", None)
    dropped = sorted(k for k in dash if k not in DASHBOARD_KEYS and k not in FOR_IMPORT_ONLY)
    if dropped:
        out.notes.append(f"dashboard keys Grafana no longer reads, not carried: {', '.join(dropped)}")
    for key in dropped:
        dash.pop(key)
    if dash.get("__elements"):
        out.notes.append("the export's library panel models (`__elements`) are not carried: the library panels "
                         "must exist in Grafana")
    for key in FOR_IMPORT_ONLY:
        dash.pop(key, None)
    for p in _all_panels(dash):
        lib = p.get("libraryPanel")
        if isinstance(lib, dict):
            out.notes.append(f"panel {p.get('title') or lib.get('name')!r} is library panel "
                             f"{lib.get('name')!r} (uid {lib.get('uid')}): a reference, its content lives in Grafana")
    return out


def _all_panels(dash: dict):
    for p in dash.get("panels") or []:
        if isinstance(p, dict):
            yield p
            for c in p.get("panels") or []:
                if isinstance(c, dict):
                    yield c


# ---------------------------------------------------------------------------------------------------------------
# Export inputs


def _inputs(out: Prepared) -> None:
    dash = out.dashboard
    inputs = [i for i in dash.get("__inputs") or [] if isinstance(i, dict) and i.get("name")]
    if not inputs:
        return
    names = {v.get("name") for v in (dash.get("templating") or {}).get("list") or [] if isinstance(v, dict)}
    values = {}
    for i in inputs:
        if i.get("type") == "datasource" and i.get("pluginId") == "prometheus" and "datasource" not in names:
            values[i["name"]] = "${datasource}"
            out.add_datasource = True
        elif i.get("type") == "constant" and isinstance(i.get("value"), str):
            values[i["name"]] = i["value"]
        else:
            out.notes.append(f"export input ${{{i['name']}}} ({i.get('type')} {i.get('pluginId') or ''}) kept as "
                             "written: replace it with a data source uid or a variable")
    if values:
        text = json.dumps({k: v for k, v in dash.items() if k != "__inputs"})
        for name, value in values.items():
            text = text.replace("${" + name + "}", value.replace("\\", "\\\\").replace('"', '\\"'))
        dash.clear()
        dash.update(json.loads(text))
        out.notes.append("export inputs replaced: " + ", ".join(f"${{{k}}} -> {v}" for k, v in values.items()))


# ---------------------------------------------------------------------------------------------------------------
# Legacy rows (Grafana's DashboardMigrator.upgradeToGridLayout, schemaVersion 16)


def _grid_height(height) -> int:
    if isinstance(height, str):
        m = re.match(r"\s*(\d+)", height)
        height = int(m.group(1)) if m else 250
    if not isinstance(height, (int, float)):
        height = 250
    return math.ceil(max(height, 90) / 38)


class _RowArea:
    def __init__(self, height: int, y: int):
        self.area, self.y, self.height = [0] * GRID, y, height

    def add(self, pos: dict) -> None:
        for i in range(pos["x"], min(GRID, pos["x"] + pos["w"])):
            bottom = pos["y"] + pos["h"] - self.y
            if not self.area[i] or bottom > self.area[i]:
                self.area[i] = bottom

    def place(self, width: int, once: bool = False) -> tuple[int, int] | None:
        start = end = None
        for i in range(GRID - 1, -1, -1):
            if self.height - self.area[i] > 0:
                if end is None:
                    end = i
                elif i < GRID - 1 and self.area[i] <= self.area[i + 1]:
                    start = i
                else:
                    break
            else:
                break
        if start is not None and end is not None and end - start >= width - 1:
            return start, max(self.area[start:])
        if once:
            return None
        self.y += self.height
        self.area = [0] * GRID
        return self.place(width, True)


def _migrate_rows(dash: dict) -> None:
    rows = [r for r in dash.get("rows") or [] if isinstance(r, dict)]
    ids = [p.get("id") for r in rows for p in r.get("panels") or [] if isinstance(p, dict)]
    next_id = max([i for i in ids if isinstance(i, int)] or [0]) + 1
    show_rows = any(r.get("collapse") or r.get("showTitle") or r.get("repeat") for r in rows)
    panels, y = list(dash.get("panels") or []), 0
    for r in rows:
        if r.get("repeatIteration"):
            continue
        height = _grid_height(r.get("height") or 250)
        header = None
        if show_rows:
            header = {"type": "row", "title": r.get("title") or "", "collapsed": bool(r.get("collapse")),
                      "id": next_id, "gridPos": {"h": 1, "w": GRID, "x": 0, "y": y}, "panels": []}
            if r.get("repeat"):
                header["repeat"] = r["repeat"]
            next_id += 1
            y += 1
        area = _RowArea(height, y)
        members = []
        for p in r.get("panels") or []:
            if not isinstance(p, dict):
                continue
            p = dict(p)
            span = p.pop("span", None) or 4
            width = min(GRID, max(1, math.floor(span) * 2))
            h = _grid_height(p["height"]) if p.get("height") else height
            pos = area.place(width) or (0, 0)
            y = area.y
            p["gridPos"] = {"x": pos[0], "y": y + pos[1], "w": width, "h": h}
            area.add(p["gridPos"])
            members.append(p)
        if header is not None:
            if header["collapsed"]:
                header["panels"] = members
                panels.append(header)
            else:
                panels += [header, *members]
        else:
            panels += members
        if not (header is not None and header["collapsed"]):
            y += height
    dash["panels"] = panels


# ---------------------------------------------------------------------------------------------------------------
# Rows of panels


def plan(dash: dict) -> list[Group]:
    """The dashboard's panels as groups: the panels before the first row header, then each row and its panels
    (a collapsed row's own, or the top-level panels that follow an open one)."""
    groups: list[Group] = []
    current = Group(None)
    for p in dash.get("panels") or []:
        if not isinstance(p, dict):
            continue
        if p.get("type") == "row":
            if current.row is not None or current.panels:
                groups.append(current)
            current = Group(p, [c for c in p.get("panels") or [] if isinstance(c, dict)])
            if p.get("collapsed"):
                groups.append(current)
                current = Group(None)
        else:
            current.panels.append(p)
    if current.row is not None or current.panels:
        groups.append(current)
    return groups


def row_extra(row: dict) -> dict:
    """The keys of a row header the house row does not write, to keep verbatim (``repeat``, ...)."""
    return {k: v for k, v in row.items()
            if k not in ROW_KEYS_WRITTEN and k not in ROW_KEYS_IGNORED and v not in (None, "", [], {})}
