"""Two builds' dashboards compared in a reviewer's terms: dashboards, rows and panels added, removed, moved or
resized; per panel its title, type, unit, thresholds, legend and each query (PromQL old -> new, formatted);
variables and links. Panels are matched by title (ids are renumbered by every build); a removed and an added panel at
the same place are one renamed panel. The helpers shared with ``python -m generator diff`` (Grafana against the
code) come from :mod:`generator.grafana.diff`, which describes the same changes as one-line strings.
"""

from __future__ import annotations

import json

from ..grafana import fields as gfields
from ..grafana import model as gmodel
from .model import ADDED, CHANGED, REMOVED, DashboardChange, Field, Item
from .rules import pretty_promql

MAX_PATHS = gfields.MAX_PATHS

DASHBOARD_FIELDS = ("title", "description", "tags", "time", "refresh", "timezone", "graphTooltip", "editable",
                    "liveNow", "weekStart")
PANEL_FIELDS = ("type", "description", "datasource", "interval", "maxDataPoints", "transparent")
UNIT_FIELDS = ("unit", "min", "max", "decimals")


def _value(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def compare_dashboards(old: dict[str, dict], new: dict[str, dict]) -> list[DashboardChange]:
    """Changes of every dashboard (by uid) between two builds; unchanged dashboards are left out."""
    out = []
    for uid in sorted(set(old) | set(new)):
        a, b = old.get(uid), new.get(uid)
        if a == b:
            continue
        if a is None or b is None:
            data = b if a is None else a
            panels = [p for p in gmodel.panels(data) if p.get("type") != "row"]
            # A new dashboard lists every panel with its queries; a removed one, every panel it took away.
            items = _panel_items({}, layout(b)) if a is None else _panel_items(layout(a), {})
            items += _variable_items([], gmodel.variables(b)) if a is None else _variable_items(gmodel.variables(a), [])
            out.append(DashboardChange(uid, data.get("title") or uid, ADDED if a is None else REMOVED, items,
                                       panels=len(panels)))
            continue
        change = DashboardChange(uid, b.get("title") or uid, CHANGED, describe_dashboard(a, b))
        if change.items:
            out.append(change)
    return out


def describe_dashboard(old: dict, new: dict) -> list[Item]:
    items = []
    settings = Item("dashboard", new.get("title") or "", CHANGED)
    for key in DASHBOARD_FIELDS:
        if old.get(key) != new.get(key):
            settings.fields.append(Field("time range" if key == "time" else key, _time_or(key, old.get(key)),
                                         _time_or(key, new.get(key))))
    handled = set(DASHBOARD_FIELDS) | {"panels", "templating", "links", "uid", "version", "id"}
    rest = gfields.diff_paths({k: v for k, v in old.items() if k not in handled},
                             {k: v for k, v in new.items() if k not in handled})
    if rest:
        settings.notes.append(_paths_note(rest))
    if settings.fields or settings.notes:
        items.append(settings)
    items += _panel_items(layout(old), layout(new))
    items += _variable_items(gmodel.variables(old), gmodel.variables(new))
    items += _link_items(old.get("links") or [], new.get("links") or [])
    return items


def _time_or(key: str, value) -> str | None:
    if key == "time" and isinstance(value, dict):
        return f"{value.get('from')} to {value.get('to')}"
    return _value(value)


def _paths_note(paths: list[str]) -> str:
    more = f" and {len(paths) - MAX_PATHS} more" if len(paths) > MAX_PATHS else ""
    return "other settings changed: " + ", ".join(paths[:MAX_PATHS]) + more


# ---------------------------------------------------------------------------------------------------------------
# Layout: each panel with its row and its place inside that row


def layout(dash: dict) -> dict[str, dict]:
    """Panels and rows by their key (as ``generator diff`` names them), each with ``_row`` and ``_order``."""
    placed, row, row_y, order, rows = [], None, 0, 0, 0
    for panel in dash.get("panels") or []:
        if not isinstance(panel, dict):
            continue
        if panel.get("type") == "row":  # a row is placed by its rank among rows, not by the height above it
            row, row_y, order = panel.get("title") or "", (panel.get("gridPos") or {}).get("y", 0), 0
            placed.append((panel, None, row_y, rows))
            rows += 1
            for child in panel.get("panels") or []:  # a collapsed row holds its panels
                placed.append((child, row, row_y, order))
                order += 1
            continue
        placed.append((panel, row, row_y, order))
        order += 1
    keyed = gfields.keyed([p for p, *_ in placed], gfields.panel_key)
    out = {}
    for (key, panel), (_, row_title, y0, order_) in zip(keyed.items(), placed, strict=False):
        out[key] = {**panel, "_row": row_title, "_row_y": y0, "_order": order_}
    return out


def _rename_pairs(a: dict[str, dict], b: dict[str, dict]) -> dict[str, str]:
    """Removed key -> added key for panels of the same type at the same place: a rename, not a swap."""
    gone = {k: v for k, v in a.items() if k not in b}
    came = {k: v for k, v in b.items() if k not in a}
    pairs = {}
    for k, v in gone.items():
        for k2, v2 in came.items():
            if k2 not in pairs.values() and v.get("type") == v2.get("type") and v.get("gridPos") == v2.get("gridPos"):
                pairs[k] = k2
                break
    return pairs


def _kind_name(key: str) -> tuple[str, str]:
    kind, _, name = key.partition(" ")
    return kind, name.strip('"')


def _panel_items(a: dict[str, dict], b: dict[str, dict]) -> list[Item]:
    renamed = _rename_pairs(a, b)
    items = []
    for key, panel in a.items():
        if key not in b and key not in renamed:
            kind, name = _kind_name(key)
            items.append(Item(kind, name, REMOVED, notes=[_where(panel)]))
    for key, panel in b.items():
        old_key = next((k for k, v in renamed.items() if v == key), None)
        kind, name = _kind_name(key)
        if key not in a and old_key is None:
            item = Item(kind, name, ADDED, notes=[_where(panel)])
            item.fields += [Field(f"query {t.get('refId') or '?'}", None, pretty_promql(t.get("expr")), code=True)
                            for t in panel.get("targets") or [] if isinstance(t, dict) and t.get("expr")]
            items.append(item)
            continue
        old = a[old_key or key]
        item = Item(kind, name, CHANGED)
        if old_key:
            item.fields.append(Field("title", old.get("title"), panel.get("title")))
        _position(old, panel, item)
        clean_old = {k: v for k, v in old.items() if not k.startswith("_")}
        clean_new = {k: v for k, v in panel.items() if not k.startswith("_")}
        if clean_old != clean_new:
            _panel_fields(clean_old, clean_new, item)
        if item.fields or item.notes:
            items.append(item)
    return items


def _where(panel: dict) -> str:
    row = f' in row "{panel["_row"]}"' if panel.get("_row") is not None else ""
    return f"at {gfields.grid(panel.get('gridPos'))}{row}"


def _position(old: dict, new: dict, item: Item) -> None:
    go, gn = old.get("gridPos") or {}, new.get("gridPos") or {}
    if old.get("_row") != new.get("_row"):
        item.notes.append(f'moved from row "{old.get("_row")}" to row "{new.get("_row")}"')
    elif go.get("x") != gn.get("x") or (go.get("y", 0) - old["_row_y"]) != (gn.get("y", 0) - new["_row_y"]) \
            or (new.get("type") == "row" and old["_order"] != new["_order"]):  # a row's rank among rows
        item.notes.append(f"moved: {gfields.grid(go)} → {gfields.grid(gn)}")
    if (go.get("w"), go.get("h")) != (gn.get("w"), gn.get("h")):
        item.notes.append(f"resized: {go.get('w')}×{go.get('h')} → {gn.get('w')}×{gn.get('h')} (columns × rows)")


def _legend(panel: dict):
    legend = (panel.get("options") or {}).get("legend")
    return legend if isinstance(legend, dict) else None


def _panel_fields(old: dict, new: dict, item: Item) -> None:
    for key in PANEL_FIELDS:
        if old.get(key) != new.get(key):
            item.fields.append(Field(key, _value(old.get(key)), _value(new.get(key))))
    od, nd = gfields.defaults(old), gfields.defaults(new)
    for key in UNIT_FIELDS:
        if od.get(key) != nd.get(key):
            item.fields.append(Field(key, _value(od.get(key)), _value(nd.get(key))))
    if od.get("thresholds") != nd.get("thresholds"):
        item.fields.append(Field("thresholds", gfields.thresholds(od.get("thresholds")),
                                 gfields.thresholds(nd.get("thresholds"))))
    if _legend(old) != _legend(new):
        item.fields.append(Field("legend", _value(_legend(old)), _value(_legend(new))))
    item.fields += _target_fields(old.get("targets") or [], new.get("targets") or [])
    skip = set(PANEL_FIELDS) | {"targets", "gridPos", "id", "panels", "title"}
    rest_old = gfields.strip_defaults({k: v for k, v in old.items() if k not in skip})
    rest_new = gfields.strip_defaults({k: v for k, v in new.items() if k not in skip})
    for rest in (rest_old, rest_new):
        (rest.get("options") or {}).pop("legend", None)
    paths = gfields.diff_paths(rest_old, rest_new)
    if paths:
        item.notes.append(_paths_note(paths))


def _target_fields(old: list, new: list) -> list[Field]:
    def ref(t):
        return f"query {t.get('refId') or '?'}"

    a = gfields.keyed([t for t in old if isinstance(t, dict)], ref)
    b = gfields.keyed([t for t in new if isinstance(t, dict)], ref)
    out = []
    for k in list(a) + [k for k in b if k not in a]:
        ta, tb = a.get(k) or {}, b.get(k) or {}
        if ta == tb:
            continue
        if ta.get("expr") != tb.get("expr"):
            out.append(Field(k, pretty_promql(ta.get("expr")), pretty_promql(tb.get("expr")), code=True))
        if ta.get("legendFormat") != tb.get("legendFormat"):
            out.append(Field(f"{k} legend", ta.get("legendFormat"), tb.get("legendFormat")))
        if ta and tb:
            others = [p for p in gfields.diff_paths(ta, tb) if p not in ("expr", "legendFormat")]
            if others:
                out.append(Field(f"{k} settings", None, ", ".join(others[:MAX_PATHS])))
    return out


def _variable_items(old: list[dict], new: list[dict]) -> list[Item]:
    a = gfields.keyed(old, lambda v: str(v.get("name")))
    b = gfields.keyed(new, lambda v: str(v.get("name")))
    items = [Item("variable", f"${k}", REMOVED, notes=[f"type {a[k].get('type')}"]) for k in a if k not in b]
    items += [Item("variable", f"${k}", ADDED, [Field("query", None, _value(b[k].get("query")))],
                   notes=[f"type {b[k].get('type')}"]) for k in b if k not in a]
    keys = ("query", "definition", "datasource", "label", "type", "multi", "includeAll", "allValue", "regex",
            "current", "options", "refresh", "sort", "hide")
    for k in b:
        if k not in a or a[k] == b[k]:
            continue
        item = Item("variable", f"${k}", CHANGED)
        for key in keys:
            if a[k].get(key) != b[k].get(key):
                item.fields.append(Field(key, _value(a[k].get(key)), _value(b[k].get(key))))
        others = [p for p in gfields.diff_paths(a[k], b[k]) if p.split(".")[0].split("[")[0] not in keys]
        if others:
            item.notes.append(_paths_note(others))
        items.append(item)
    return items


def _link_items(old: list, new: list) -> list[Item]:
    def key(link):
        return str(link.get("title") or link.get("url") or "?")

    a = gfields.keyed([x for x in old if isinstance(x, dict)], key)
    b = gfields.keyed([x for x in new if isinstance(x, dict)], key)
    items = [Item("link", k, REMOVED, notes=[_value(a[k].get("url") or a[k].get("tags")) or ""]) for k in a
             if k not in b]
    items += [Item("link", k, ADDED, notes=[_value(b[k].get("url") or b[k].get("tags")) or ""]) for k in b
              if k not in a]
    for k in b:
        if k in a and a[k] != b[k]:
            fields = [Field(p, _value(_at(a[k], p)), _value(_at(b[k], p))) for p in gfields.diff_paths(a[k], b[k])]
            items.append(Item("link", k, CHANGED, fields[:MAX_PATHS]))
    return items


def _at(obj, path: str):
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            idx = int(part[1:-1])
            obj = obj[idx] if isinstance(obj, list) and idx < len(obj) else None
        else:
            obj = obj.get(part) if isinstance(obj, dict) else None
    return obj
