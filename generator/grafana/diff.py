"""What a push would change in Grafana, per dashboard, in the terms a reviewer reads.

Changes read from Grafana's live copy to the code: the dashboard's title, description, tags, links and time
settings; panels added and removed (matched by title, so re-numbered ids do not count as changes); per panel its
type, description, unit, thresholds, min/max, queries (by refId), legends and position; variables added, removed or
changed (query, datasource, options). What fits none of these is listed by its JSON path, so nothing is hidden.
``raw_diff`` gives the unified diff of the JSON as well.
"""

from __future__ import annotations

import difflib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..dashboard_schema import to_classic
from . import marker, model
from .client import GrafanaClient
from .fields import MAX_PATHS, defaults, diff_paths, grid, keyed, panel_key, short, strip_defaults, thresholds
from .folders import Folder
from .push import Dashboard
from .resources import hashed, is_resource
from .store import LegacyStore, Live

NEW, UNCHANGED, CHANGED, LEFTOVER = "new", "unchanged", "changed", "not in code"


@dataclass
class DashboardDiff:
    uid: str
    title: str
    state: str
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: str = ""


def compare(client: GrafanaClient, folder: Folder, dashboards: list[Dashboard], *, jobs: int = 4,
            prune: bool = False, raw: bool = False, store=None) -> list[DashboardDiff]:
    store = store or LegacyStore(client)

    def one(d: Dashboard) -> DashboardDiff:
        return compare_one(d, store.get(d.uid, d.data), folder, raw=raw)

    if dashboards:
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(dashboards)))) as pool:
            out = list(pool.map(one, dashboards))
    else:
        out = []
    if prune and folder.exists and folder.uid:
        declared = {d.uid for d in dashboards}
        for hit in store.in_folder(folder.uid):
            if hit.get("uid") not in declared and marker.tags_have_marker(hit.get("tags")):
                out.append(DashboardDiff(hit["uid"], hit.get("title", ""), LEFTOVER,
                                         ["- dashboard (no longer declared in code; push --prune deletes it)"]))
    return out


def compare_one(d: Dashboard, live: Live | None, folder: Folder, *, raw: bool = False) -> DashboardDiff:
    desired = marker.content(_comparable(d.data))
    if live is None:
        panels = model.panels(desired, rows=False)
        return DashboardDiff(d.uid, d.title, NEW, [f"+ dashboard (new, {len(panels)} panels)"],
                             raw=_raw(None, desired, d) if raw else "")
    current = marker.content(_comparable(live.document) if is_resource(d.data) else live.content)
    if not is_resource(d.data) and "uid" not in live.document:
        current.pop("uid", None)  # the /apis keep the uid as the name only
        desired.pop("uid", None)
    result = DashboardDiff(d.uid, d.title, UNCHANGED)
    recorded, want = live.recorded, marker.content_hash(hashed(d.data))
    if live.pristine and recorded == want:
        result.changes = []  # as pushed: what Grafana rewrote on the way in (a migrated schemaVersion) is no change
    else:
        result.changes = describe_changes(current, desired)
    if recorded is None:
        result.notes.append("exists in Grafana but was not pushed by this tool: push reports a conflict "
                            "(--force overwrites)")
    elif not live.pristine:
        result.notes.append(f"edited in Grafana since the last push (version {live.version}"
                            + (f", by {live.updated_by}" if live.updated_by else "")
                            + (f", saved as dashboard.grafana.app/{live.stored_as}" if live.stored_as else "")
                            + "): push reports a conflict (--force overwrites)")
    if live.folder_uid != (folder.uid or "") and folder.exists:
        result.changes.append(f"folder: {live.folder_title or live.folder_uid or 'General'!r} → {folder.path!r}")
    if result.changes:
        result.state = CHANGED
    elif recorded != want:
        result.notes.append("content as in code; push adds the marker tag")
        result.state = CHANGED
    if raw and result.changes:
        result.raw = _raw(current, desired, d, live.version)
    return result


def _comparable(data: dict) -> dict:
    """What describe_changes compares: the classic JSON, or a resource's spec."""
    return data["spec"] if is_resource(data) and isinstance(data.get("spec"), dict) else data


# ----------------------------------------------------------------------------------------------------------------
# Describing changes


def describe_changes(live: dict, code: dict) -> list[str]:
    """What differs from ``live`` to ``code``, in a reviewer's terms; either may be classic JSON, a v1 or a
    schema v2 resource (both are compared as classic JSON, generator.dashboard_schema)."""
    live, code = to_classic(live), to_classic(code)
    changes: list[str] = []
    for key in ("title", "description", "refresh", "timezone", "graphTooltip", "editable", "schemaVersion",
                "liveNow", "weekStart", "fiscalYearStartMonth"):
        if live.get(key) != code.get(key):
            changes.append(f"{key}: {short(live.get(key))} → {short(code.get(key))}")
    if (live.get("tags") or []) != (code.get("tags") or []):
        changes.append(f"tags: {short(live.get('tags') or [])} → {short(code.get('tags') or [])}")
    if live.get("time") != code.get("time"):
        changes.append(f"time range: {_time(live.get('time'))} → {_time(code.get('time'))}")
    changes += _links(model.dashboard_links(live), model.dashboard_links(code))
    changes += _panels_changes(model.panels(live), model.panels(code))
    changes += _variables(model.variables(live), model.variables(code))
    handled = {"title", "description", "refresh", "timezone", "graphTooltip", "editable", "schemaVersion", "liveNow",
               "weekStart", "fiscalYearStartMonth", "tags", "time", "links", "panels", "templating", "uid"}
    rest = sorted(k for k in set(live) | set(code) if k not in handled and live.get(k) != code.get(k))
    changes += [f"{k} changed" for k in rest]
    if live.get("uid") != code.get("uid"):
        changes.append(f"uid: {short(live.get('uid'))} → {short(code.get('uid'))}")
    return changes


def _panels_changes(live: list[dict], code: list[dict]) -> list[str]:
    a, b = keyed(live, panel_key), keyed(code, panel_key)
    out = [f"- {k} ({a[k].get('type')})" for k in a if k not in b]
    out += [f"+ {k} ({b[k].get('type')})" for k in b if k not in a]
    for k in b:
        if k in a and a[k] != b[k]:
            out += [f"{k}: {c}" for c in _panel_changes(a[k], b[k])]
    return out


def _panel_changes(old: dict, new: dict) -> list[str]:
    out = []
    for key in ("type", "description", "transparent", "interval", "maxDataPoints"):
        if old.get(key) != new.get(key):
            out.append(f"{key}: {short(old.get(key))} → {short(new.get(key))}")
    if old.get("datasource") != new.get("datasource"):
        out.append(f"datasource: {_ds(old.get('datasource'))} → {_ds(new.get('datasource'))}")
    od, nd = defaults(old), defaults(new)
    for key in ("unit", "min", "max", "decimals"):
        if od.get(key) != nd.get(key):
            out.append(f"{key}: {short(od.get(key))} → {short(nd.get(key))}")
    if od.get("thresholds") != nd.get("thresholds"):
        out.append(f"thresholds: {thresholds(od.get('thresholds'))} → {thresholds(nd.get('thresholds'))}")
    out += _targets(model.targets(old), model.targets(new))
    if old.get("gridPos") != new.get("gridPos"):
        out.append(f"position: {grid(old.get('gridPos'))} → {grid(new.get('gridPos'))}")
    covered = {"type", "description", "transparent", "interval", "maxDataPoints", "datasource", "targets",
               "gridPos", "id", "panels"}
    rest_old = {k: v for k, v in old.items() if k not in covered}
    rest_new = {k: v for k, v in new.items() if k not in covered}
    paths = diff_paths(strip_defaults(rest_old), strip_defaults(rest_new))
    if paths:
        more = f" and {len(paths) - MAX_PATHS} more" if len(paths) > MAX_PATHS else ""
        out.append("settings changed: " + ", ".join(paths[:MAX_PATHS]) + more)
    return out


def _targets(old: list, new: list) -> list[str]:
    def ref(t):
        return f"query {t.get('refId') or '?'}"

    a, b = keyed(old, ref), keyed(new, ref)
    out = [f"- {k}: {short(a[k].get('expr'))}" for k in a if k not in b]
    out += [f"+ {k}: {short(b[k].get('expr'))}" for k in b if k not in a]
    for k in b:
        if k not in a or a[k] == b[k]:
            continue
        if a[k].get("expr") != b[k].get("expr"):
            out.append(f"{k}: {short(a[k].get('expr'))} → {short(b[k].get('expr'))}")
        if a[k].get("legendFormat") != b[k].get("legendFormat"):
            out.append(f"{k} legend: {short(a[k].get('legendFormat'))} → {short(b[k].get('legendFormat'))}")
        others = [p for p in diff_paths(a[k], b[k]) if p not in ("expr", "legendFormat")]
        if others:
            out.append(f"{k} settings changed: " + ", ".join(others[:MAX_PATHS]))
    return out


def _variables(old: list[dict], new: list[dict]) -> list[str]:
    def key(v):
        return f"variable ${v.get('name')}"

    a, b = keyed(old, key), keyed(new, key)
    out = [f"- {k} ({a[k].get('type')})" for k in a if k not in b]
    out += [f"+ {k} ({b[k].get('type')})" for k in b if k not in a]
    for k in b:
        if k not in a or a[k] == b[k]:
            continue
        for field_ in ("query", "definition", "datasource", "label", "type", "multi", "includeAll", "regex"):
            if a[k].get(field_) != b[k].get(field_):
                out.append(f"{k}: {field_}: {short(a[k].get(field_))} → {short(b[k].get(field_))}")
        others = [p for p in diff_paths(a[k], b[k]) if p.split(".")[0].split("[")[0] not in
                  ("query", "definition", "datasource", "label", "type", "multi", "includeAll", "regex")]
        if others:
            out.append(f"{k}: settings changed: " + ", ".join(others[:MAX_PATHS]))
    return out


def _links(old: list, new: list) -> list[str]:
    def key(link):
        return f'link "{link.get("title") or link.get("url") or "?"}"'

    a, b = keyed(old, key), keyed(new, key)
    out = [f"- {k}" for k in a if k not in b] + [f"+ {k}" for k in b if k not in a]
    out += [f"{k} changed: " + ", ".join(diff_paths(a[k], b[k])[:MAX_PATHS]) for k in b if k in a and a[k] != b[k]]
    return out


# ----------------------------------------------------------------------------------------------------------------
# Short renderings


def _ds(ds) -> str:
    if isinstance(ds, dict):
        return f"{ds.get('type', '?')}:{ds.get('uid', '?')}"
    return short(ds)


def _time(t) -> str:
    if not isinstance(t, dict):
        return short(t)
    return f"{t.get('from')} to {t.get('to')}"


def _raw(live: dict | None, code: dict, d: Dashboard, version=None) -> str:
    def lines(obj):
        return [] if obj is None else (json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
                                       ).splitlines(keepends=True)

    source = f"grafana/{d.uid}" + (f" (version {version})" if version is not None else " (missing)")
    return "".join(difflib.unified_diff(lines(live), lines(code), fromfile=source, tofile=f"code/{d.uid}"))
