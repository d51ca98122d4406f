"""Import a dashboard, build the module in memory, and compare the result with the original in a reviewer's terms.

:func:`expected` is the original as the build would write it: the :func:`.dashboard.prepare` d dashboard with the
dashboard-level normalisation of :mod:`generator.normalize` (schema version, no id, no legacy keys, a time picker
without ``time_options``), row headers reduced to what Grafana shows of a row (title, collapsed, repeat; a
full-width line), and everything else as written. :func:`differences` lists what a viewer would see differ (with
:func:`generator.grafana.diff.describe_changes`).
"""

from __future__ import annotations

import copy
import re

from ..build import render_dashboard
from ..grafana.diff import describe_changes
from ..normalize import normalize_dashboard
from ..panels import VERBATIM
from .codegen import module_source
from .dashboard import Prepared, prepare, row_extra


def uid_for(dash: dict, fallback: str) -> str:
    uid = dash.get("uid")
    if isinstance(uid, str) and 1 <= len(uid) <= 40:
        return uid
    slug = re.sub(r"[^a-z0-9]+", "-", str(dash.get("title") or fallback).lower()).strip("-")
    return (slug or "imported")[:40]


def import_dashboard(raw, source: str, where: str | None = None) -> tuple[Prepared, str, str]:
    """The prepared dashboard, its uid, and the Python module declaring it."""
    prepared = prepare(raw, where or source)
    uid = uid_for(prepared.dashboard, source)
    if prepared.dashboard.get("uid") != uid:
        prepared.notes.append(f"uid {uid!r} given (the dashboard had none usable)")
    return prepared, uid, module_source(prepared, uid, source)


def build_source(code: str, filename: str = "<import>") -> dict:
    """The dashboard JSON the build writes for the module ``code``."""
    namespace: dict = {"__name__": "imported_dashboard"}
    exec(compile(code, filename, "exec"), namespace)  # the module we just wrote, run as the build runs it
    return render_dashboard(namespace["dashboard"])[0]


def expected(prepared: Prepared, uid: str) -> dict:
    dash = copy.deepcopy(prepared.dashboard)
    dash["uid"] = uid
    dash.pop("version", None)
    dash.setdefault("graphTooltip", 0)  # what Grafana assumes; the module says so
    dash.setdefault("description", "")
    dash.setdefault("time", {"from": "now-6h", "to": "now"})  # Grafana's default range
    panels = []
    for p in dash.get("panels") or []:
        if not isinstance(p, dict):
            continue
        if p.get("type") == "row":
            children = [_shown(c) for c in p.get("panels") or [] if isinstance(c, dict)]
            y = (p.get("gridPos") or {}).get("y") if isinstance(p.get("gridPos"), dict) else None
            row = {"type": "row", "title": p.get("title") if isinstance(p.get("title"), str) else "",
                   "collapsed": bool(p.get("collapsed")), "panels": children if p.get("collapsed") else [],
                   "id": p.get("id"), "gridPos": {"h": 1, "w": 24, "x": 0, "y": y or 0}}
            extra = row_extra(p)
            panels.append({**row, **extra, VERBATIM: True} if extra else row)
        else:
            panels.append(_shown(p))
    dash["panels"] = panels
    templating = dash.get("templating") if isinstance(dash.get("templating"), dict) else {}
    variables = [{**v, VERBATIM: True} for v in templating.get("list") or [] if isinstance(v, dict)]
    if prepared.add_datasource:
        from ..panels import datasource_variable

        variables.insert(0, datasource_variable())
    dash["templating"] = {"list": variables}
    dash["links"] = [{**link, VERBATIM: True} for link in dash.get("links") or [] if isinstance(link, dict)]
    return normalize_dashboard(dash)


def _shown(panel: dict) -> dict:
    """A panel as Grafana shows it: a position without x or y is at 0 (a row header: a full-width line)."""
    grid = panel.get("gridPos") if isinstance(panel.get("gridPos"), dict) else {"w": 6, "h": 3}  # PanelModel's
    panel = {**panel, "gridPos": {**grid, "x": grid.get("x") or 0, "y": grid.get("y") or 0}}
    return {**panel, VERBATIM: True}


def differences(original: dict, built: dict) -> list[str]:
    """What differs between two dashboards, in a reviewer's terms (empty: nothing a viewer would see)."""
    return describe_changes(_numbered(original), _numbered(built))


def _numbered(dash: dict) -> dict:
    """``dash`` with panel ids 1, 2, 3... in order: the build renumbers, and untitled panels are told by id."""
    dash = copy.deepcopy(dash)
    n = 0
    for p in dash.get("panels") or []:
        for q in [p, *(p.get("panels") or [] if isinstance(p, dict) else [])]:
            if isinstance(q, dict):
                n += 1
                q["id"] = n
    return dash


def round_trip(raw, source: str) -> tuple[str, list[str]]:
    """Import, build, compare: the module's text and the differences from the original."""
    prepared, uid, code = import_dashboard(raw, source)
    return code, differences(expected(prepared, uid), build_source(code, source))
