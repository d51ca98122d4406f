"""What dashboard checks share: which panels show data, and where their unit and links live."""

from __future__ import annotations

DATA_PANELS = frozenset({"timeseries", "graph", "stat", "gauge", "bargauge", "table", "table-old", "heatmap",
                         "singlestat", "barchart", "piechart", "histogram", "state-timeline", "status-history",
                         "trend", "xychart", "candlestick"})


def is_data_panel(panel) -> bool:
    return panel.type in DATA_PANELS and "libraryPanel" not in panel.data


def dict_at(data, *keys) -> dict:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def panel_unit(data: dict) -> str | None:
    """The unit of a panel wherever its type keeps it (fieldConfig, overrides, legacy yaxes/format)."""
    defaults = dict_at(data, "fieldConfig", "defaults")
    candidates = [defaults.get("unit"), data.get("format"), dict_at(data, "options", "yAxis").get("unit")]
    yaxes = data.get("yaxes")
    if isinstance(yaxes, list) and yaxes and isinstance(yaxes[0], dict):
        candidates.append(yaxes[0].get("format"))
    overrides = dict_at(data, "fieldConfig").get("overrides")
    for override in overrides if isinstance(overrides, list) else []:
        props = override.get("properties") if isinstance(override, dict) else None
        for prop in props if isinstance(props, list) else []:
            if isinstance(prop, dict) and prop.get("id") == "unit":
                candidates.append(prop.get("value"))
    return next((c for c in candidates if isinstance(c, str) and c.strip()), None)


def panel_links(data: dict) -> list[dict]:
    """Panel header links and data links (field defaults and overrides)."""
    out = [link for link in data.get("links") or [] if isinstance(link, dict)] \
        if isinstance(data.get("links"), list) else []
    fc = dict_at(data, "fieldConfig")
    links = dict_at(fc, "defaults").get("links")
    out += [link for link in links if isinstance(link, dict)] if isinstance(links, list) else []
    overrides = fc.get("overrides")
    for override in overrides if isinstance(overrides, list) else []:
        props = override.get("properties") if isinstance(override, dict) else None
        for prop in props if isinstance(props, list) else []:
            if isinstance(prop, dict) and prop.get("id") == "links" and isinstance(prop.get("value"), list):
                out += [link for link in prop["value"] if isinstance(link, dict)]
    return out
