"""What a panel shows, per series and per value, in Grafana's terms: the colour of each series (time series), and
each reduced value with its text and colour (stat, gauge, bar gauge). :mod:`.panels` draws with these, and
``preview.json`` records them, so that a test can hold a picture to Grafana's rules without reading pixels.

A field's config is the panel's defaults with its overrides (:func:`.display.field_config`); its range is its own
min/max or, for either left unset, the smallest/largest value of every series of the panel (Grafana's
``findNumericFieldMinMax``). A series' colour in a colour mode *by value* (thresholds, continuous schemes) is the
colour of its last value (``getFieldSeriesColor``: ``color.seriesBy``, default ``last``); in the palettes it is
chosen by the series' index or name; ``fixed`` is the fixed colour.
"""

from __future__ import annotations

import math

from .data import PanelData, Series
from .display import display, field_config, mode_of, scale_color, value_range

BY_VALUE = ("thresholds",)  # and every continuous-* scheme


def _numbers(series: list[Series]) -> list[float]:
    return [v for s in series for v in s.values if v == v]


def _by_value(mode: str) -> bool:
    return mode in BY_VALUE or mode.startswith("continuous-")


def reduce_calc(panel: dict) -> str:
    calcs = ((panel.get("options") or {}).get("reduceOptions") or {}).get("calcs") or ["lastNotNull"]
    return calcs[0]


def series_colors(panel: dict, data: PanelData) -> list[dict]:
    """One record per series: name, refId, points drawn (numbers, not NaN), first and last time, colour."""
    every = _numbers(data.series)
    out = []
    for i, s in enumerate(data.series):
        config = field_config(panel, s.name, s.ref)
        mode = mode_of(config)
        if _by_value(mode):
            by = str((config.get("color") or {}).get("seriesBy") or "last")
            value = s.reduce({"last": "last", "min": "min", "max": "max"}.get(by, "last"))
            color = display(0.0 if value is None else value, {**config, "mappings": []},
                            value_range(config, every), i, s.name)["color"]
        else:
            color = scale_color(config, 0.0, 0.0, (-math.inf, ""), i, s.name)
        drawn = [t for t, v in zip(s.times, s.values, strict=False) if v == v]
        out.append({"name": s.name, "ref": s.ref, "points": len(drawn), "first": drawn[0] if drawn else None,
                    "last": drawn[-1] if drawn else None, "color": color})
    return out


def reduced_values(panel: dict, data: PanelData, limit: int | None = None) -> list[dict]:
    """One record per series: the panel's calculation (lastNotNull by default) of it, its text and colour."""
    calc = reduce_calc(panel)
    every = _numbers(data.series)
    out = []
    for i, s in enumerate(data.series[:limit]):
        config = field_config(panel, s.name, s.ref)
        value = s.reduce(calc)
        shown = display(value, config, value_range(config, every), i, s.name)
        out.append({"series": s.name, "calc": calc, "value": value, **shown,
                    "unit": str(config.get("unit") or "none")})
    return out
