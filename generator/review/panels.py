"""Drawing one panel's content inside its box, per panel type, on a matplotlib figure (Grafana's dark theme).

Each function returns what it drew: ``"data"``, ``"no data"`` (the panel says "No data", as Grafana does) or
``"not drawn"`` (a type these pictures do not know; the panel says so), and fills ``record`` (the panel's entry in
``preview.json``) with what it drew: ``series`` (name, points, colour) for a time series, ``values`` (the reduced
value of each series, its text and colour) for a stat, gauge or bar gauge, ``rows`` for a table. Colours, texts and
units follow Grafana's rules (:mod:`.display`, :mod:`.units`)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import matplotlib.dates as mdates
from matplotlib.patches import Rectangle, Wedge
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .data import PanelData
from .display import field_config, hex_color, threshold_steps, value_range
from .shown import reduced_values, series_colors
from .units import fmt, unit_of

TEXT, DIM, GRID, EMPTY = "#CCCCDC", "#8E8E8E", "#2C3235", "#22252B"


def _decimals(panel: dict):
    return ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("decimals")


def _has_data(data: PanelData) -> bool:
    return any(v == v for s in data.series for v in s.values)


def no_data(fig, box, message: str = "No data") -> str:
    x, y, w, h = box
    fig.text(x + w / 2, y + h / 2, message, ha="center", va="center", color=DIM, fontsize=13)
    return "no data"


def _axes(fig, box, **kw):
    ax = fig.add_axes(box, **kw)
    ax.set_facecolor("none")
    for side in ax.spines.values():
        side.set_color(GRID)
    ax.tick_params(colors=DIM, labelsize=7, length=0)
    return ax


def _steps(panel: dict) -> list[tuple[float, str]]:
    """The panel's threshold steps as (from, colour), the base step from -inf (absolute values)."""
    return [(start, hex_color(c)) for start, c in threshold_steps(field_config(panel))]


def timeseries(fig, box, panel, data: PanelData, px, record: dict) -> str:
    if not _has_data(data):
        return no_data(fig, box)
    x, y, w, h = box
    unit, decimals = unit_of(panel), _decimals(panel)
    legend = (panel.get("options") or {}).get("legend") or {}
    show_legend = legend.get("showLegend", True) and legend.get("displayMode") != "hidden"
    rows = min(len(data.series), 3) if show_legend else 0
    legend_h = rows * 15 / px[1]
    ax = _axes(fig, [x + 60 / px[0], y + legend_h + 18 / px[1], w - 70 / px[0], h - legend_h - 22 / px[1]])
    record["series"] = series_colors(panel, data)
    for s, shown in zip(data.series, record["series"], strict=True):
        times = [datetime.fromtimestamp(t, UTC) for t in s.times]
        ax.plot(times, s.values, color=shown["color"], linewidth=1.1, label=s.name,
                marker="o" if len(s.times) < 5 else None, markersize=2.5)
    if data.end > data.start:  # the whole range, as Grafana shows it, however little of it has data
        ax.set_xlim(datetime.fromtimestamp(data.start, UTC), datetime.fromtimestamp(data.end, UTC))
    custom = ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("custom") or {}
    mode = str((custom.get("thresholdsStyle") or {}).get("mode") or "off")
    if mode != "off":
        for start, c in _steps(panel):
            if not math.isinf(start):
                ax.axhline(start, color=c, linewidth=1, linestyle="--" if "dashed" in mode else "-")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v, unit, decimals)))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.grid(color=GRID, linewidth=0.6)
    if show_legend:
        ncol = max(1, min(len(data.series), int(w * px[0] // 170)))
        handles, labels = ax.get_legend_handles_labels()
        limit = ncol * 3
        ax.legend(handles[:limit], [lb[:40] for lb in labels[:limit]], loc="upper left", frameon=False,
                  bbox_to_anchor=(-60 / (w * px[0]), -0.1), ncol=ncol, fontsize=7, labelcolor=TEXT,
                  handlelength=1.2, borderaxespad=0)
    return "data"


def stat(fig, box, panel, data: PanelData, px, record: dict) -> str:
    """Grafana's stat (BigValue): the value's text in its colour (colorMode ``value``), on it (``background``) or in
    the text colour (``none``); with graphMode ``area`` a sparkline of the series under it, in the same colour."""
    if not _has_data(data):
        return no_data(fig, box)
    x, y, w, h = box
    options = panel.get("options") or {}
    mode, graph = options.get("colorMode", "value"), options.get("graphMode", "none")
    cells = data.series[:12]
    values = reduced_values(panel, data, 12)
    cols = min(len(cells), max(1, int(w * px[0] // 110)))
    rows = math.ceil(len(cells) / cols)
    cw, ch = w / cols, h / rows
    size = max(8, min(30, ch * px[1] * 0.45, cw * px[0] / 5))
    for i, (s, shown) in enumerate(zip(cells, values, strict=True)):
        c = shown["color"]
        cx, cy = x + (i % cols) * cw, y + h - (i // cols + 1) * ch
        if mode == "background":
            fig.add_artist(Rectangle((cx + 2 / px[0], cy + 2 / px[1]), cw - 4 / px[0], ch - 4 / px[1],
                                     transform=fig.transFigure, color=c, alpha=0.85))
        text_color = TEXT if mode in ("background", "none") else c
        shown["drawn_as"] = "background" if mode == "background" else "text"
        if graph == "area" and len([v for v in s.values if v == v]) > 1:
            spark = _axes(fig, [cx + 4 / px[0], cy + 4 / px[1], cw - 8 / px[0], ch * 0.3])
            spark.axis("off")
            line = TEXT if mode == "background" else c
            spark.fill_between(range(len(s.values)), s.values, min(v for v in s.values if v == v), color=line,
                               alpha=0.25, linewidth=0)
            spark.plot(range(len(s.values)), s.values, color=line, linewidth=1)
            shown["sparkline"] = {"points": len([v for v in s.values if v == v]), "color": line}
        if len(cells) > 1:
            fig.text(cx + cw / 2, cy + ch * 0.78, s.name[:30], ha="center", va="center", fontsize=7,
                     color=TEXT)
        fig.text(cx + cw / 2, cy + ch * (0.5 if len(cells) > 1 else 0.55), shown["text"], ha="center",
                 va="center", fontsize=size, color=text_color, fontweight="bold")
    record["values"] = values
    return "data"


def gauge(fig, box, panel, data: PanelData, px, record: dict) -> str:
    if not _has_data(data):
        return no_data(fig, box)
    x, y, w, h = box
    cells = data.series[:6]
    values = reduced_values(panel, data, 6)
    config = field_config(panel)
    lo, hi = value_range(config, [v for s in data.series for v in s.values if v == v])
    cw = w / len(cells)
    for i, (s, shown) in enumerate(zip(cells, values, strict=True)):
        side = min(cw * px[0], h * px[1] * 1.3)
        ax = _axes(fig, [x + i * cw + (cw - side / px[0]) / 2, y + 4 / px[1], side / px[0], h - 8 / px[1]])
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-0.35, 1.1)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.add_patch(Wedge((0, 0), 1, 0, 180, width=0.25, color=EMPTY))
        frac = 0 if shown["percent"] is None else min(max(shown["percent"], 0), 1)
        c = shown["color"]
        ax.add_patch(Wedge((0, 0), 1, 180 - 180 * frac, 180, width=0.25, color=c))
        for start, sc in _steps(panel):  # the threshold ring, outside the arc
            a = 0 if math.isinf(start) or hi == lo else min(max((start - lo) / (hi - lo), 0), 1)
            ax.add_patch(Wedge((0, 0), 1.08, 0, 180 - 180 * a, width=0.05, color=sc))
        ax.text(0, 0.12, shown["text"], ha="center", va="center", color=c, fontsize=14, fontweight="bold")
        if len(cells) > 1:
            ax.text(0, -0.22, s.name[:24], ha="center", va="center", color=TEXT, fontsize=7)
    record["values"] = values
    return "data"


def bargauge(fig, box, panel, data: PanelData, px, record: dict) -> str:
    """One bar per series, filled to its share of the range, in its value's colour (valueMode ``color``)."""
    if not _has_data(data):
        return no_data(fig, box)
    x, y, w, h = box
    cells = data.series[:10]
    values = reduced_values(panel, data, 10)
    ax = _axes(fig, [x + 8 / px[0], y + 6 / px[1], w - 16 / px[0], h - 10 / px[1]])
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(len(cells), 0)
    for i, (s, shown) in enumerate(zip(cells, values, strict=True)):
        frac = 0 if shown["percent"] is None else min(max(shown["percent"], 0), 1)
        c = shown["color"]
        ax.text(0, i + 0.5, s.name[:28], va="center", ha="left", color=TEXT, fontsize=8)
        ax.add_patch(Rectangle((0.3, i + 0.15), 0.55, 0.7, color=EMPTY))
        ax.add_patch(Rectangle((0.3, i + 0.15), 0.55 * frac, 0.7, color=c))
        ax.text(0.87, i + 0.5, shown["text"], va="center", ha="left", color=c, fontsize=9,
                fontweight="bold")
    record["values"] = values
    return "data"


def table(fig, box, panel, data: PanelData, px, record: dict) -> str:
    if not _has_data(data):
        return no_data(fig, box)
    x, y, w, h = box
    unit, decimals = unit_of(panel), _decimals(panel)
    labels = sorted({k for s in data.series for k in s.labels if k != "__name__"})
    refs = list(dict.fromkeys(s.ref for s in data.series))
    values = ["Value"] if len(refs) == 1 else [f"Value #{r}" for r in refs]  # several queries: joined by labels
    columns = labels + values
    joined: dict[tuple, dict] = {}
    for s in data.series:
        joined.setdefault(tuple(s.labels.get(c, "") for c in labels), {})[s.ref] = s.reduce("lastNotNull")
    rows = [list(key) + [cells.get(r) for r in refs] for key, cells in joined.items()]
    sort = ((panel.get("options") or {}).get("sortBy") or [{}])[0]
    if sort.get("displayName") in columns:
        i = columns.index(sort["displayName"])
        rows.sort(key=lambda r: (r[i] is None, r[i] if i >= len(labels) else str(r[i])),
                  reverse=bool(sort.get("desc")))
    line = 20 / px[1]
    fit = max(1, int(h / line) - 1)
    cw = (w - 16 / px[0]) / len(columns)
    for j, name in enumerate(columns):
        fig.text(x + 8 / px[0] + j * cw, y + h - line / 2, name, va="center", color="#6E9FFF", fontsize=8,
                 fontweight="bold")
    for i, row in enumerate(rows[:fit]):
        yy = y + h - (i + 1.5) * line
        fig.add_artist(Rectangle((x + 4 / px[0], yy - line / 2), w - 8 / px[0], 0.6 / px[1],
                                 transform=fig.transFigure, color=GRID))
        for j, cell in enumerate(row):
            text = fmt(cell, unit, decimals) if j >= len(labels) else str(cell)[:40]
            fig.text(x + 8 / px[0] + j * cw, yy, text, va="center", color=TEXT, fontsize=8)
    record["rows"] = len(rows)
    if len(rows) > fit:
        fig.text(x + w - 8 / px[0], y + 4 / px[1], f"+{len(rows) - fit} rows", ha="right", va="bottom", color=DIM,
                 fontsize=7)
    return "data"


def heatmap(fig, box, panel, data: PanelData, px, record: dict) -> str:
    if not _has_data(data):
        return no_data(fig, box)
    import numpy as np

    x, y, w, h = box
    unit = ((panel.get("options") or {}).get("yAxis") or {}).get("unit") or unit_of(panel)

    def bound(s):
        try:
            return float(s.labels.get("le", s.name))
        except ValueError:
            return math.inf

    buckets = sorted(data.series, key=bound)
    times = sorted({t for s in buckets for t in s.times})
    index = {t: i for i, t in enumerate(times)}
    grid = np.zeros((len(buckets), len(times)))
    for r, s in enumerate(buckets):
        for t, v in zip(s.times, s.values, strict=False):
            grid[r, index[t]] = 0 if v != v else v
    if any(t.get("format") == "heatmap" for t in panel.get("targets") or []):
        grid[1:] = np.clip(grid[1:] - grid[:-1], 0, None)  # cumulative `le` buckets to counts per bucket
    ax = _axes(fig, [x + 60 / px[0], y + 18 / px[1], w - 70 / px[0], h - 22 / px[1]])
    start, end = mdates.date2num(datetime.fromtimestamp(times[0], UTC)), \
        mdates.date2num(datetime.fromtimestamp(times[-1], UTC))
    ax.imshow(grid, aspect="auto", origin="lower", cmap="Oranges", extent=(start, end, 0, len(buckets)),
              interpolation="nearest")
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ticks = list(range(0, len(buckets), max(1, len(buckets) // 6)))
    ax.set_yticks([t + 0.5 for t in ticks])
    ax.set_yticklabels([("+Inf" if math.isinf(bound(buckets[t])) else fmt(bound(buckets[t]), unit)) for t in ticks])
    return "data"


def piechart(fig, box, panel, data: PanelData, px, record: dict) -> str:
    """A slice per series (its reduced value), in its series colour (palette-classic unless the panel says)."""
    shown = [(r, c) for r, c in zip(reduced_values(panel, data), series_colors(panel, data), strict=True)
             if r["value"] is not None and r["value"] > 0]
    if not shown:
        return no_data(fig, box)
    x, y, w, h = box
    side = min(w * px[0] * 0.55, h * px[1])
    ax = _axes(fig, [x + 8 / px[0], y + (h - side / px[1]) / 2, side / px[0], side / px[1]])
    ax.pie([r["value"] for r, _ in shown], colors=[c["color"] for _, c in shown],
           wedgeprops={"linewidth": 1, "edgecolor": "#181B1F"})
    total = sum(r["value"] for r, _ in shown)
    for i, (r, c) in enumerate(shown[:10]):
        fig.text(x + side / px[0] + 20 / px[0], y + h - (i + 1.5) * 16 / px[1],
                 f"● {r['series'][:30]}  {100 * r['value'] / total:.1f}%", color=c["color"], fontsize=8,
                 va="center")
    record["values"] = [{**r, "color": c["color"]} for r, c in shown]
    return "data"


def text_panel(fig, box, panel, data: PanelData, px, record: dict) -> str:
    x, y, _w, h = box
    content = str((panel.get("options") or {}).get("content") or panel.get("content") or "")
    fig.text(x + 8 / px[0], y + h - 8 / px[1], content[:600], va="top", ha="left", color=TEXT, fontsize=8, wrap=True)
    return "data"


DRAW = {"timeseries": timeseries, "graph": timeseries, "stat": stat, "singlestat": stat, "gauge": gauge,
        "bargauge": bargauge, "table": table, "heatmap": heatmap, "piechart": piechart, "text": text_panel}
NO_QUERIES = {"text"}


def draw(fig, box, panel, data: PanelData, px, record: dict | None = None) -> str:
    kind = panel.get("type")
    if kind not in DRAW:
        no_data(fig, box, f"panel type {kind!r} is not drawn in previews")
        return "not drawn"
    if data.errors and not data.series:
        no_data(fig, box, "Error: " + data.errors[0][:80])
        return "error"
    return DRAW[kind](fig, box, panel, data, px, {} if record is None else record)

