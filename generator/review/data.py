"""What Grafana would put in each panel: variables resolved to their defaults, built-in intervals, and each
target's series from a Prometheus (``query_range`` over the dashboard's default time range, or an instant query).

Variables: an All default (or a multi/All variable with nothing chosen) is ``.*``, as Grafana's Prometheus data source
sends it when no custom all value is set; another default is its current value; a query variable with no current value
takes the first value the query returns (as Grafana does on load). ``$__interval`` is the range over the panel's
``maxDataPoints`` (or its width in pixels), rounded as Grafana rounds it and never below the scrape interval;
``$__rate_interval`` is ``max($__interval + scrape, 4 × scrape)``; ``$__range`` is the range.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from .. import durations
from ..live.coverage import builtins, panel_interval
from ..live.validate import Prometheus, Validator, expand

_LEGEND = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_ALL = "$__all"


@dataclass
class Series:
    name: str
    labels: dict
    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    ref: str = "A"  # the refId of the target that returned it

    def reduce(self, calc: str = "lastNotNull") -> float | None:
        values = [v for v in self.values if v == v]  # NaN is not a value
        if not values:
            return None
        return {"mean": sum(values) / len(values), "sum": sum(values), "max": max(values), "min": min(values),
                "first": values[0], "firstNotNull": values[0]}.get(calc, values[-1])


@dataclass
class PanelData:
    series: list[Series] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    table: bool = False  # instant/table queries: one value per series, labels as columns
    start: float = 0.0  # the time range drawn (the dashboard's default), seconds since the epoch
    end: float = 0.0
    step: float = 0.0  # of its range queries (Grafana's interval for the panel)


def time_range(dash: dict) -> float:
    """Seconds of the dashboard's default range: ``now-6h`` to ``now`` is 21600."""
    t = dash.get("time") or {}
    start, end = str(t.get("from", "now-6h")), str(t.get("to", "now"))
    try:
        span = durations.seconds(start[4:]) if start.startswith("now-") else 6 * 3600
        if end.startswith("now-"):
            span -= durations.seconds(end[4:])
    except ValueError:
        span = 6 * 3600
    return max(span, 60.0)


class Fetcher:
    """Queries for one dashboard: its variables resolved once, then each panel's targets."""

    def __init__(self, prom: Prometheus, catalog, dash: dict, end: float | None = None):
        self.prom, self.catalog, self.dash = prom, catalog, dash
        self.range = time_range(dash)
        self.end = time.time() if end is None else end
        self.start = self.end - self.range
        self.validator = Validator(prom, catalog, self.range, self.end)
        self.scrape = catalog.scrape_interval.total_seconds()
        self.values = self._variables()

    def _variables(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for var in (self.dash.get("templating") or {}).get("list") or []:
            name, kind = var.get("name"), var.get("type")
            if not name or kind == "datasource":
                continue
            current = (var.get("current") or {}).get("value")
            current = current if isinstance(current, list) else ([current] if current not in (None, "") else [])
            if _ALL in current or ((var.get("multi") or var.get("includeAll")) and not current):
                values[name] = var.get("allValue") or ".*"
            elif current:
                values[name] = current[0] if len(current) == 1 else "(" + "|".join(map(re.escape, current)) + ")"
            elif kind == "query":
                query = var.get("query")
                query = query.get("query") if isinstance(query, dict) else query
                _, options = self.validator.resolve_variable(var, str(query), {**self.validator.builtins, **values})
                values[name] = options[0] if options else ""
            elif kind == "custom":
                options = [x.strip() for x in str(var.get("query", "")).split(",") if x.strip()]
                values[name] = options[0] if options else ""
            else:
                values[name] = str(var.get("query") or "")
        return values

    def panel_range(self, panel: dict) -> float:
        """The panel's own relative time (``timeFrom``: ``now/d`` is since midnight UTC, ``1h`` the last hour)."""
        since = str(panel.get("timeFrom") or "").strip()
        if not since:
            return self.range
        if since in ("now/d", "now/d-0d"):
            return max(self.end % 86400, 60.0)
        try:
            return durations.seconds(since[4:] if since.startswith("now-") else since)
        except ValueError:
            return self.range

    def builtins(self, panel: dict, width_px: float) -> dict[str, str]:
        span = self.panel_range(panel)
        interval = panel_interval(span, self.scrape, panel, width_px)
        return {**builtins(span, self.scrape, interval), "_step": str(interval)}

    def panel(self, panel: dict, width_px: float) -> PanelData:
        builtins = self.builtins(panel, width_px)
        start = self.end - self.panel_range(panel)
        out = PanelData(start=start, end=self.end, step=float(builtins["_step"]))
        for target in panel.get("targets") or []:
            if not isinstance(target, dict) or target.get("hide") or not target.get("expr"):
                continue
            expr = expand(str(target["expr"]), {**builtins, **self.values})
            instant = bool(target.get("instant")) and not target.get("range")
            if instant:
                out.table = out.table or target.get("format") == "table"
                status, data, _, error = self.prom.get("/api/v1/query", {"query": expr, "time": self.end})
            else:
                status, data, _, error = self.prom.get("/api/v1/query_range", {
                    "query": expr, "start": start, "end": self.end, "step": builtins["_step"]})
            if status != "ok":
                out.errors.append(f"{target.get('refId', '?')}: {error}")
                continue
            found = _series(data, target.get("legendFormat") or "", expr)
            for series in found:
                series.ref = str(target.get("refId") or "A")
            out.series += found
        return out


def _series(data: dict, legend: str, expr: str) -> list[Series]:
    kind, result = data.get("resultType"), data.get("result") or []
    if kind == "scalar":
        return [Series(expr, {}, [float(result[0])], [_float(result[1])])]
    out = []
    for item in result:
        labels = item.get("metric") or {}
        name = display_name(labels, legend, expr)
        if kind == "matrix":
            pairs = item.get("values") or []
            out.append(Series(name, labels, [float(t) for t, _ in pairs], [_float(v) for _, v in pairs]))
        elif kind == "vector":
            t, v = item.get("value") or (0, "NaN")
            out.append(Series(name, labels, [float(t)], [_float(v)]))
    return out


def _float(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def display_name(labels: dict, legend: str, expr: str) -> str:
    """The series name Grafana shows: the legend format filled in, else ``metric{labels}``, else the expression."""
    if legend and legend != "__auto":
        return _LEGEND.sub(lambda m: str(labels.get(m.group(1), "")), legend)
    rest = {k: v for k, v in labels.items() if k != "__name__"}
    name = labels.get("__name__", "")
    if not rest:
        return name or expr
    return name + "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(rest.items())) + "}"
