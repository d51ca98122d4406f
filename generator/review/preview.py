"""``python -m generator preview``: each dashboard as a PNG laid out as Grafana lays it out.

Grafana's grid has 24 columns and rows of 30 pixels (``gridPos`` x, y, w, h); rows are bands with their title,
panels are boxes with their title above their content. The data comes from a Prometheus, over the dashboard's default
time range (see :mod:`.data`); a panel whose queries return nothing says "No data", as Grafana does. Besides the
pictures, :meth:`Preview.draw` returns (and ``preview`` writes to ``preview.json``) what each panel showed, so that
tools and tests can check a picture without reading it: its time range, every series with the points it drew (and
its colour, for a time series), and for a stat, gauge, bar gauge or pie chart each value with its text and the
colour Grafana's rules give it (:mod:`.panels`).

One ``Preview`` draws every dashboard up to the same moment (``end``, fixed when it is made): the pictures of a
review, before and after, then read the same window of the same history, so that what differs between them is
what the change did.
"""

from __future__ import annotations

import json
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from .. import exitcodes
from ..live.validate import Prometheus, stack_url
from ..otlp import catalog_of
from .data import Fetcher, PanelData
from .panels import DIM, TEXT, draw

WIDTH = 1600  # pixels: a laptop's Grafana
CELL_H, MARGIN, HEADER = 30, 6, 44
BACKGROUND, PANEL = "#111217", "#181B1F"
DPI = 100


def prometheus_url(project, explicit: str | None) -> str | None:
    return explicit or stack_url(project)


def _flatten(panels: list) -> list[dict]:
    out = []
    for p in panels or []:
        if not isinstance(p, dict):
            continue
        out.append(p)
        if p.get("type") == "row" and p.get("collapsed"):
            out += [{**c, "_collapsed": True} for c in p.get("panels") or [] if isinstance(c, dict)]
    return out


def _drawn(series) -> dict:
    """A series as ``preview.json`` records it: name, refId, how many points (numbers) it drew, first and last."""
    times = [t for t, v in zip(series.times, series.values, strict=False) if v == v]
    return {"name": series.name, "ref": series.ref, "points": len(times), "first": times[0] if times else None,
            "last": times[-1] if times else None}


class Preview:
    def __init__(self, url: str, catalog, timeout: float = 15.0, end: float | None = None):
        self.prom = Prometheus(url, timeout)
        self.catalog = catalog
        self.end = time.time() if end is None else end

    def reachable(self) -> str:
        status, _, _, error = self.prom.get("/api/v1/status/buildinfo", {})
        return "" if status == "ok" else error

    def draw(self, dash: dict, path: str) -> list[dict]:
        """Draw ``dash`` to ``path`` (PNG); return each panel's title, type, place in pixels and what it showed."""
        panels = [p for p in _flatten(dash.get("panels")) if not p.get("_collapsed")]
        bottom = max([(p.get("gridPos") or {}).get("y", 0) + (p.get("gridPos") or {}).get("h", 1) for p in panels]
                     + [1])
        height = HEADER + bottom * CELL_H + MARGIN
        fig = plt.figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor=BACKGROUND)
        px = (WIDTH, height)
        fetcher = Fetcher(self.prom, self.catalog, dash, self.end)
        end = fetcher.end
        fig.text(12 / WIDTH, 1 - 22 / height, dash.get("title") or dash.get("uid", ""), color=TEXT, fontsize=14,
                 va="center", fontweight="bold", parse_math=False)
        chosen = ", ".join(f"${k}={v}" for k, v in fetcher.values.items())
        span = f"last {fetcher.range / 3600:g} h to {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(end))}"
        fig.text(1 - 12 / WIDTH, 1 - 22 / height, span + (f"   {chosen}" if chosen else ""), color=DIM, fontsize=9,
                 va="center", ha="right", parse_math=False)
        shown = []
        for panel in panels:
            g = panel.get("gridPos") or {}
            gx, gy, gw, gh = g.get("x", 0), g.get("y", 0), g.get("w", 12), g.get("h", 8)
            left, top = gx * WIDTH / 24 + MARGIN / 2, HEADER + gy * CELL_H + MARGIN / 2
            w_px, h_px = gw * WIDTH / 24 - MARGIN, gh * CELL_H - MARGIN
            box = (left / WIDTH, 1 - (top + h_px) / height, w_px / WIDTH, h_px / height)
            entry = {"title": panel.get("title") or "", "type": panel.get("type"), "gridPos": g,
                     "box": [round(left), round(top), round(w_px), round(h_px)], "series": []}
            if panel.get("type") == "row":
                fig.text(box[0] + 4 / WIDTH, box[1] + box[3] / 2, ("▸ " if panel.get("collapsed") else "▾ ")
                         + entry["title"], color=TEXT, fontsize=11, va="center", fontweight="bold")
                entry["status"] = "row"
                shown.append(entry)
                continue
            fig.add_artist(Rectangle(box[:2], box[2], box[3], transform=fig.transFigure, color=PANEL, zorder=-1,
                                     linewidth=0))
            fig.text(box[0] + 8 / WIDTH, box[1] + box[3] - 14 / height, entry["title"], color=TEXT, fontsize=9,
                     va="center", fontweight="bold", parse_math=False)
            inner = (box[0], box[1], box[2], box[3] - 28 / height)
            data = fetcher.panel(panel, w_px) if panel.get("targets") else PanelData()
            entry["range"] = [round(data.start, 3), round(data.end, 3)]
            entry["step"] = data.step
            entry["series"] = [_drawn(s) for s in data.series]
            entry["status"] = draw(fig, inner, panel, data, px, entry)
            if data.errors:
                entry["errors"] = data.errors
            shown.append(entry)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fig.savefig(path, dpi=DPI, facecolor=BACKGROUND)
        plt.close(fig)
        return shown


def _dashboards(project, wanted: list[str]) -> list[dict]:
    from ..errors import GeneratorError
    from ..output import generated_dashboards

    found = generated_dashboards(project)
    known = [d.get("uid") for d in found]
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise GeneratorError(f"unknown dashboard uid(s) {', '.join(unknown)} (known: {', '.join(map(str, known))})")
    return [d for d in found if not wanted or d.get("uid") in wanted]


def run(project, args) -> int:
    url = prometheus_url(project, args.prometheus)
    if not url:
        print("error: no Prometheus to draw from: pass --prometheus URL or start one with `make up`", file=sys.stderr)
        return exitcodes.USAGE
    dashboards = _dashboards(project, args.dashboards)
    preview = Preview(url, catalog_of(project), args.timeout)
    error = preview.reachable()
    if error:
        print(f"error: cannot reach Prometheus at {url}: {error}", file=sys.stderr)
        return exitcodes.USAGE
    index = []
    for dash in dashboards:
        began = time.monotonic()
        path = os.path.join(args.out, f"{dash.get('uid')}.png")
        panels = preview.draw(dash, path)
        empty = [p["title"] for p in panels if p["status"] in ("no data", "error")]
        drawn = sum(1 for p in panels if p["status"] != "row")
        print(f"  wrote {path}: {drawn} panels in {time.monotonic() - began:.1f} s"
              + (f", no data in {len(empty)}: {', '.join(empty)}" if empty else ""))
        index.append({"uid": dash.get("uid"), "title": dash.get("title"), "file": os.path.basename(path),
                      "panels": panels})
    with open(os.path.join(args.out, "preview.json"), "w", encoding="utf-8") as fh:
        json.dump({"prometheus": url, "dashboards": index}, fh, indent=2)
        fh.write("\n")
    print(f"drew {len(index)} dashboard(s) from {url} into {args.out}/")
    return exitcodes.OK
