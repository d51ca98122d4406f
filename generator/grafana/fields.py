"""Pieces of a dashboard's JSON compared the way a reviewer reads them: panels keyed by title, field-config
defaults described on their own, the JSON paths that differ, short renderings of values. Used by ``diff`` (what a
push would change in Grafana) and ``review`` (what a branch changes)."""

from __future__ import annotations

import json

from . import model

MAX_PATHS = 6  # JSON paths listed for "other settings changed", the rest counted


def keyed(items: list[dict], key) -> dict[str, dict]:
    """``items`` by ``key(item)``; a key met again gets ``#2``, ``#3``... so that nothing is lost."""
    out: dict[str, dict] = {}
    for item in items:
        name = key(item)
        k, n = name, 2
        while k in out:
            k, n = f"{name} #{n}", n + 1
        out[k] = item
    return out


def panel_key(p: dict) -> str:
    kind = "row" if model.is_row(p) else "panel"
    return f'{kind} "{p.get("title") or "(untitled #" + str(p.get("id")) + ")"}"'


def strip_defaults(panel: dict) -> dict:
    """The panel without the field-config entries described on their own (unit, thresholds, …)."""
    panel = json.loads(json.dumps(panel))
    defaults = (panel.get("fieldConfig") or {}).get("defaults")
    if isinstance(defaults, dict):
        for key in ("unit", "min", "max", "decimals", "thresholds"):
            defaults.pop(key, None)
    return panel


def diff_paths(a, b, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                out += diff_paths(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                out += diff_paths(x, y, f"{prefix}[{i}]")
        return out
    return [prefix or "(value)"] if a != b else []


def short(value, limit: int = 100) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"`{text}`" if isinstance(value, str) else text


def defaults(panel: dict) -> dict:
    return model.dict_at(panel, "fieldConfig", "defaults")


def thresholds(t) -> str:
    if not isinstance(t, dict):
        return "(none)"
    steps = [f"{s.get('color')}" + ("" if s.get("value") is None else f" from {s.get('value')}")
             for s in t.get("steps") or [] if isinstance(s, dict)]
    return (t.get("mode") or "absolute") + " [" + ", ".join(steps) + "]"


def grid(g) -> str:
    if not isinstance(g, dict):
        return "(none)"
    return f"x={g.get('x')} y={g.get('y')} w={g.get('w')} h={g.get('h')}"
