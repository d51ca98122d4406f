"""The step of a panel's queries as Grafana chooses it, and how much of the panel's time range its series cover.

Grafana asks Prometheus for a range with a step of ``range / maxDataPoints`` (the panel's ``maxDataPoints``, else
its width in pixels), rounded by ``kbn.roundInterval`` and never below the data source's scrape interval nor the
panel's own ``interval`` (a minimum such as ``1d``); ``$__interval`` is that step, ``$__rate_interval``
``max($__interval + scrape, 4 × scrape)`` (Grafana's documentation, "Global variables"). Prometheus answers a range
query at ``start + k × step`` for every k up to ``end``.

A panel *covers* a share of its range: the evaluation times at which at least one of its series has a point (a
number, not NaN: Grafana draws NaN as a gap), over all the evaluation times. A panel that reads a series with no
past (a recording rule on a stack whose history holds only the raw series) has a point at the right edge only, and
covers about nothing; ``validate`` fails it below ``DEFAULT_SHARE`` (``--coverage``).
"""

from __future__ import annotations

import math

from .. import durations

DEFAULT_SHARE = 0.9
MAX_DATA_POINTS = 1000  # about a full-width panel, for a panel that sets no maxDataPoints

# Grafana's kbn.roundInterval: (upper bound in seconds, interval in seconds)
_ROUND = [(0.015, 0.01), (0.035, 0.02), (0.075, 0.05), (0.15, 0.1), (0.35, 0.2), (0.75, 0.5), (1.5, 1), (3.5, 2),
          (7.5, 5), (12.5, 10), (17.5, 15), (25, 20), (45, 30), (90, 60), (210, 120), (450, 300), (750, 600),
          (1050, 900), (1500, 1200), (2700, 1800), (5400, 3600), (9000, 7200), (16200, 10800), (24300, 21600),
          (54000, 43200), (129600, 86400), (864000, 604800), (2419200, 2592000)]


def round_interval(seconds: float) -> float:
    for bound, value in _ROUND:
        if seconds < bound:
            return value
    return 31536000.0


def panel_interval(span: float, scrape: float, panel: dict | None = None, width_px: float | None = None) -> float:
    """The step (seconds) of a panel's range queries over ``span`` seconds."""
    panel = panel or {}
    points = panel.get("maxDataPoints") or (max(int(width_px), 100) if width_px else MAX_DATA_POINTS)
    interval = max(scrape, round_interval(span / points))
    if panel.get("interval"):
        try:
            interval = max(interval, durations.seconds(str(panel["interval"]).lstrip("><=")))
        except ValueError:
            pass
    return interval


def builtins(span: float, scrape: float, interval: float) -> dict[str, str]:
    """Grafana's built-in variables for a query over ``span`` seconds at ``interval``."""
    return {
        "__interval": durations.format_seconds(interval), "__interval_ms": str(int(interval * 1000)),
        "__rate_interval": durations.format_seconds(max(interval + scrape, 4 * scrape)),
        "__range": f"{int(span)}s", "__range_s": str(int(span)), "__range_ms": str(int(span * 1000)),
    }


def evaluations(start: float, end: float, step: float) -> int:
    """How many times a range query from ``start`` to ``end`` is evaluated."""
    return math.floor((end - start) / step + 1e-9) + 1


def points(data: dict | None) -> set[float]:
    """The times at which a query_range answer has a number in any series."""
    out: set[float] = set()
    if not data or data.get("resultType") != "matrix":
        return out
    for series in data.get("result") or []:
        for t, v in series.get("values") or []:
            if str(v).lower() not in ("nan", "+nan", "-nan"):
                out.add(round(float(t), 3))
    return out


def share(times: set[float], start: float, end: float, step: float) -> float:
    """The share of the evaluation times from ``start`` to ``end`` that have a point (0 to 1)."""
    return min(1.0, len(times) / evaluations(start, end, step))
