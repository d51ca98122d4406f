"""Colours, texts and units of the preview held to Grafana's own rules, with synthetic data (no Prometheus): for each
panel type the house helpers make (time series, stat, bar gauge, table, heatmap) and a gauge, what `preview.json`
records for a value (its text and colour) is what Grafana's source computes (packages/grafana-data/src/field/:
thresholds.ts getActiveThreshold, fieldColor.ts, scale.ts, displayProcessor.ts, fieldOverrides.ts; valueFormats/).
"""

from __future__ import annotations

import json
import math
import os

import matplotlib
import pytest
from conftest import ROOT

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from generator import panels as P
from generator.normalize import normalize_panel, to_plain
from generator.review.data import PanelData, Series
from generator.review.display import (
    CLASSIC,
    active_threshold,
    display,
    field_config,
    hex_color,
    interpolate_basis,
    mapping_result,
    string_hash,
    value_range,
)
from generator.review.panels import draw
from generator.review.units import format_value

RED, ORANGE, GREEN, BLUE, YELLOW = "#F2495C", "#FF9830", "#73BF69", "#5794F2", "#FADE2A"


def _json(panel) -> dict:
    return normalize_panel(to_plain(panel.to_json_data()), "test")


def _series(name: str, values: list[float], ref: str = "A", start: float = 1000.0) -> Series:
    return Series(name, {}, [start + 60 * i for i in range(len(values))], list(values), ref)


def _drawn(panel: dict, *series: Series) -> dict:
    """Draw ``panel`` with ``series``; its preview.json record."""
    fig = plt.figure(figsize=(8, 4), dpi=50)
    record: dict = {}
    try:
        status = draw(fig, (0.0, 0.0, 1.0, 1.0), panel, PanelData(list(series), start=1000.0, end=1000.0 + 3600),
                      (400, 200), record)
    finally:
        plt.close(fig)
    record["status"] = status
    return record


def _slo_panel(title: str) -> dict:
    with open(os.path.join(ROOT, "generated", "dashboards", "ai-slo.json")) as fh:
        return next(p for p in json.load(fh)["panels"] if p.get("title") == title)


# -- thresholds ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(-5, "red"), (0.0, "red"), (0.2499, "red"), (0.25, "orange"),
                                             (0.49, "orange"), (0.5, "green"), (7, "green")])
def test_active_threshold_is_the_last_step_reached(value, expected):
    steps = [(-math.inf, "red"), (0.25, "orange"), (0.5, "green")]
    assert active_threshold(value, steps)[1] == expected


def test_steps_are_sorted_and_the_base_step_is_minus_infinity():
    config = {"thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": 0.5},
                                                           {"color": "red", "value": None},
                                                           {"color": "orange", "value": 0.25}]}}
    assert display(0.3, field_config({"fieldConfig": {"defaults": config}}), (0, 1))["color"] == ORANGE


def test_percentage_thresholds_are_relative_to_min_and_max():
    # Grafana's docs: "Percentage: thresholds relative to min and max"; scale.ts: percent × 100 picks the step.
    config = {"min": 0, "max": 200, "thresholds": {"mode": "percentage", "steps": [
        {"color": "green", "value": None}, {"color": "orange", "value": 50}, {"color": "red", "value": 80}]}}
    cfg = field_config({"fieldConfig": {"defaults": config}})
    assert display(99, cfg, value_range(cfg, []))["color"] == GREEN  # 49.5 %
    assert display(120, cfg, value_range(cfg, []))["color"] == ORANGE  # 60 %
    assert display(160, cfg, value_range(cfg, []))["color"] == RED  # 80 %


# -- the bar gauge of the SLO dashboard: the reported bug --------------------------------------------------------


def test_error_budget_bar_gauge_is_coloured_by_its_steps():
    """`percentunit`, steps red / orange at 0.25 / green at 0.5: 3.5 % left is red, 30 % orange, 91 % green."""
    panel = _slo_panel("Error budget remaining")
    assert panel["fieldConfig"]["defaults"]["color"] == {"mode": "thresholds"}
    record = _drawn(panel, _series("availability chat", [0.2, 0.035]), _series("latency chat", [0.4, 0.3]),
                    _series("availability search", [0.95, 0.91]))
    assert [(v["series"], v["text"], v["color"]) for v in record["values"]] == [
        ("availability chat", "3.5%", RED), ("latency chat", "30%", ORANGE), ("availability search", "91%", GREEN)]


def test_a_continuous_scheme_ignores_the_steps_as_grafana_does():
    """The old helper's `continuous-GrYlRd`: Grafana colours by the value's place between min and max, whatever
    the steps say; so 3.5 % (near min) was green and 91 % (the max) red, which is what the picture showed."""
    panel = json.loads(json.dumps(_slo_panel("Error budget remaining")))
    panel["fieldConfig"]["defaults"]["color"] = {"mode": "continuous-GrYlRd"}
    record = _drawn(panel, _series("a", [0.035]), _series("b", [0.91]))
    low, high = (v["color"] for v in record["values"])
    assert record["values"][1]["percent"] == pytest.approx(1.0)  # max: the largest value of the panel (min is 0)
    assert high == RED
    assert low == interpolate_basis(["green", "yellow", "red"], 0.035 / 0.91)


def test_house_bar_gauge_without_steps_ranks_green_to_red():
    panel = _json(P.bar_gauge("Slowest", "d", "s", "x"))
    assert panel["fieldConfig"]["defaults"]["color"] == {"mode": "continuous-GrYlRd"}
    record = _drawn(panel, _series("fast", [0.0]), _series("slow", [4.0]))
    assert [v["color"] for v in record["values"]] == [GREEN, RED]  # the ends of the scheme
    assert [v["text"] for v in record["values"]] == ["0 s", "4 s"]


def test_interpolation_is_d3_rgb_basis():
    assert interpolate_basis(["green", "yellow", "red"], 0) == GREEN
    assert interpolate_basis(["green", "yellow", "red"], 1) == RED
    assert interpolate_basis(["green", "yellow", "red"], -3) == GREEN  # clamped, as d3 does
    # halfway the B-spline passes through the middle colour's neighbourhood, (v0 + 4 v1 + v2) / 6 per channel
    mid = interpolate_basis(["green", "yellow", "red"], 0.5)
    g, y, r = (int(hex_color(c)[1:3], 16) for c in ("green", "yellow", "red"))
    assert int(mid[1:3], 16) == round((g + 4 * y + r) / 6)


# -- stat: thresholds, mappings, decimals, sparkline -------------------------------------------------------------


def test_stat_value_colour_text_and_sparkline():
    panel = _json(P.stat("Error ratio", "d", "percentunit", "x", decimals=2,
                         steps=P.thresholds((None, "green"), (0.05, "red"))))
    record = _drawn(panel, _series("ratio", [0.01, 0.02, 0.0675]))
    [value] = record["values"]
    assert (value["text"], value["color"], value["drawn_as"]) == ("6.75%", RED, "text")
    assert value["sparkline"] == {"points": 3, "color": RED}  # graphMode area: the series, in the value's colour
    no_graph = _json(P.stat("Error ratio", "d", "percentunit", "x", graph=False))
    assert "sparkline" not in _drawn(no_graph, _series("ratio", [0.01, 0.02]))["values"][0]


def test_stat_value_mapping_wins_over_the_thresholds():
    mappings = [{"type": "value", "options": {"1": {"text": "up", "color": "blue"}, "0": {"text": "down"}}}]
    panel = _json(P.stat("Components", "d", "none", "x", mappings=mappings,
                         steps=P.thresholds((None, "red"), (1, "green"))))
    record = _drawn(panel, _series("llm", [0, 1.0]), _series("redis", [1, 0.0]))
    assert [(v["text"], v["color"], v["mapped"]) for v in record["values"]] == [("up", BLUE, True),
                                                                               ("down", RED, True)]


@pytest.mark.parametrize("mapping, value, expected", [
    ({"type": "range", "options": {"from": 0, "to": 10, "result": {"text": "low"}}}, 5, "low"),
    ({"type": "range", "options": {"from": 0, "to": 10, "result": {"text": "low"}}}, 11, None),
    ({"type": "range", "options": {"from": 10, "result": {"text": "high"}}}, 11, "high"),
    ({"type": "special", "options": {"match": "nan", "result": {"text": "n/a"}}}, math.nan, "n/a"),
    ({"type": "special", "options": {"match": "null", "result": {"text": "none"}}}, None, "none"),
    ({"type": "regex", "options": {"pattern": "^a(.*)", "result": {"text": "A$1"}}}, "abc", "Abc"),
])
def test_value_mappings(mapping, value, expected):
    result = mapping_result([mapping], value)
    assert (result or {}).get("text") == expected


def test_base_step_colour_for_no_value():
    panel = _json(P.stat("X", "d", "short", "x", steps=P.thresholds((None, "blue"), (5, "red"))))
    cfg = field_config(panel)
    assert display(None, cfg, (0, 1))["color"] == BLUE


# -- min and max -------------------------------------------------------------------------------------------------


def test_min_and_max_unset_come_from_every_series_of_the_panel():
    cfg = field_config({"fieldConfig": {"defaults": {"color": {"mode": "continuous-GrYlRd"}}}})
    assert value_range(cfg, [3, 7, 1, 9]) == (1.0, 9.0)
    cfg = field_config({"fieldConfig": {"defaults": {"min": 0, "max": 100, "color": {"mode": "thresholds"}}}})
    assert value_range(cfg, [3, 700]) == (0.0, 100.0)


# -- time series: palette, overrides ------------------------------------------------------------------------------


def test_time_series_colours_follow_the_classic_palette_by_series_index():
    panel = _json(P.timeseries("Rate", "d", "reqps", "x"))
    record = _drawn(panel, *[_series(f"s{i}", [1, 2, 3]) for i in range(4)])
    assert [s["color"] for s in record["series"]] == [hex_color(CLASSIC[i]) for i in range(4)]
    assert [hex_color(c) for c in CLASSIC[:4]] == [GREEN, YELLOW, BLUE, ORANGE]
    assert [s["points"] for s in record["series"]] == [3, 3, 3, 3]


def test_overrides_by_name_and_by_regex():
    panel = _json(P.timeseries("Rate", "d", "reqps", "x"))
    panel["fieldConfig"]["overrides"] = [
        {"matcher": {"id": "byName", "options": "errors"},
         "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]},
        {"matcher": {"id": "byRegexp", "options": "/^budget.*/"},
         "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "#123456"}},
                        {"id": "unit", "value": "currencyUSD"}, {"id": "decimals", "value": 1}]},
    ]
    record = _drawn(panel, _series("ok", [1]), _series("errors", [2]), _series("budget monthly", [3]))
    assert [s["color"] for s in record["series"]] == [GREEN, RED, "#123456"]
    cfg = field_config(panel, "budget monthly")
    assert format_value(1523.25, cfg["unit"], cfg["decimals"]) == "$1.5K"
    assert field_config(panel, "ok").get("unit") == "reqps"


def test_palette_by_name_uses_string_hash():
    assert string_hash("") == 5381
    cfg = {"color": {"mode": "palette-classic-by-name"}}
    panel = {"fieldConfig": {"defaults": cfg}}
    record = _drawn({**panel, "type": "timeseries"}, _series("chat", [1, 2]))
    assert record["series"][0]["color"] == hex_color(CLASSIC[string_hash("chat") % len(CLASSIC)])


def test_thresholds_colour_mode_gives_a_series_its_last_value_colour():
    panel = {"type": "timeseries", "fieldConfig": {"defaults": {"color": {"mode": "thresholds"}, "thresholds": {
        "mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 10}]}}}}
    record = _drawn(panel, _series("low", [20, 1]), _series("high", [1, 20]))
    assert [s["color"] for s in record["series"]] == [GREEN, RED]


# -- gauge, table, heatmap ----------------------------------------------------------------------------------------


def test_gauge_colour_and_share_of_its_range():
    steps = {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 150}]}
    panel = {"type": "gauge", "fieldConfig": {"defaults": {"unit": "short", "min": 0, "max": 200,
                                                          "thresholds": steps}}}
    record = _drawn(panel, _series("in flight", [100, 160]))
    [value] = record["values"]
    assert (value["text"], value["color"], value["percent"]) == ("160", RED, 0.8)


def test_table_and_heatmap_are_drawn():
    table = _json(P.table("Errors", "d", "short", P.target("x", "{{feature}}")))
    rows = [Series("a", {"feature": f}, [1000.0], [float(i)], "A") for i, f in enumerate(("chat", "search"))]
    record = _drawn(table, *rows)
    assert (record["status"], record["rows"]) == ("data", 2)
    heat = _json(P.heatmap("Latency", "d", "s", "x"))
    buckets = [Series(le, {"le": le}, [1000.0, 1060.0], [1.0 * i, 2.0 * i], "A") for i, le in
               enumerate(("0.1", "1", "+Inf"), start=1)]
    assert _drawn(heat, *buckets)["status"] == "data"


# -- units and decimals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit, value, decimals, text", [
    ("percentunit", 0.035, None, "3.5%"), ("percentunit", 0.91, None, "91%"), ("percentunit", 0.035, 2, "3.50%"),
    ("percent", 42.123, None, "42.1%"), ("short", 1234.5, None, "1.23 K"), ("short", 0, None, "0"),
    ("short", 2_500_000, None, "2.5 Mil"), ("none", 3.14159, 2, "3.14"), ("s", 0.25, None, "250 ms"),
    ("s", 75, None, "1.25 min"), ("s", 7200, None, "2 hour"), ("ms", 1500, None, "1.5 s"),
    ("reqps", 12.5, None, "12.5 req/s"), ("currencyUSD", 1523.2, None, "$1.52K"),
    ("currencyUSD", -3.2, None, "-$3.2"), ("currencyUSD", 0.0042, 4, "$0.0042"), ("x", 1.5, None, "1.5 x"),
    ("bytes", 2048, None, "2 KiB"),
])
def test_units_as_grafana_formats_them(unit, value, decimals, text):
    assert format_value(value, unit, decimals) == text
