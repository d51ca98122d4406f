"""A starter dashboard drafted from a catalog: one row per metric family (the name's first word: ``llm``, ``go``,
``process``), one panel per metric. Counters are graphed as rates, histograms as P50/P95/P99, summaries as their
mean, gauges as their values; a rate or a gauge is broken down by the labels whose values the catalog lists (at most
two), never by a bounded one. The module it writes is plain Python a person edits from there."""

from __future__ import annotations

import json

from ..catalog.model import Catalog, Metric

# Grafana's unit ids for the catalog's units: of a value, and of a counter's rate.
UNITS = {"seconds": "s", "milliseconds": "ms", "microseconds": "µs", "nanoseconds": "ns", "bytes": "bytes",
         "bits": "bits", "ratio": "percentunit", "percent": "percent", "celsius": "celsius", "joules": "joule",
         "volts": "volt", "amperes": "amp", "hertz": "hertz", "watts": "watt", "meters": "lengthm",
         "dollars": "currencyUSD"}
RATE_UNITS = {"bytes": "Bps", "bits": "bps", "seconds": "s", "dollars": "currencyUSD"}
RUNTIME_FAMILIES = ("go", "process", "promhttp", "python", "jvm", "nodejs", "otel", "target", "scrape")
MAX_BREAKDOWN = 2
LINE = 120  # the line length of ruff format (and of this repository)


def family(name: str) -> str:
    return name.split("_", 1)[0] or name


def breakdown(metric: Metric, catalog: Catalog) -> list[str]:
    """The labels a panel of ``metric`` is broken down by: those with listed values, at most MAX_BREAKDOWN."""
    listed = [name for name in metric.labels if catalog.labels.get(name) is not None
              and catalog.labels[name].values and name not in catalog.forbidden_labels]
    return listed[:MAX_BREAKDOWN]


def _legend(labels: list[str], fallback: str) -> str:
    return " ".join("{{" + name + "}}" for name in labels) or fallback


def _by(labels: list[str]) -> str:
    return f"sum by ({', '.join(labels)}) " if labels else "sum "


def panel(metric: Metric, catalog: Catalog) -> str:
    """The panel helper call for one metric, as Python source (indented for a row)."""
    labels = breakdown(metric, catalog)
    sel = f"{{sel('{metric.name}')}}"
    help_text = metric.help.rstrip(".") if not metric.help.startswith("TODO") else metric.name
    split = f", by {' and '.join(labels)}" if labels else ""
    if metric.type == "counter":
        unit = RATE_UNITS.get(metric.unit, "cps")
        description = f"{help_text}: per second{split}."
        targets = [(f"{_by(labels)}(rate({sel}[$__rate_interval]))", _legend(labels, metric.name))]
    elif metric.type == "histogram":
        unit = UNITS.get(metric.unit, "short")
        description = f"{help_text}: the 50th, 95th and 99th percentiles over all series."
        bucket = f"{{sel('{metric.name}_bucket')}}"
        targets = [(f"histogram_quantile({q}, sum by (le) (rate({bucket}[$__rate_interval])))", f"P{p}")
                   for q, p in ((0.5, 50), (0.95, 95), (0.99, 99))]
    elif metric.type == "summary":
        unit = UNITS.get(metric.unit, "short")
        description = f"{help_text}: the mean of the observations{split}."
        total, count = (f"{{sel('{metric.name}{s}')}}" for s in ("_sum", "_count"))
        targets = [(f"{_by(labels)}(rate({total}[$__rate_interval])) / {_by(labels)}(rate({count}[$__rate_interval]))",
                    _legend(labels, "mean"))]
    else:
        unit = UNITS.get(metric.unit, "short")
        description = f"{help_text}: the value of each series."
        targets = [(sel, _legend(["instance", *labels], metric.name))]
    lines = ["            P.timeseries(", *(f"                {_py(arg)}," for arg in (metric.name, description, unit))]
    for expr, legend in targets:
        lines += _target(expr, legend)
    lines.append("            ),")
    return "\n".join(lines)


def _target(expr: str, legend: str) -> list[str]:
    """``P.target(...)`` as ruff format would leave it: on one line when it fits in LINE, else one argument a line,
    a query too long for its line split into adjacent literals at a space between two tokens, never inside one."""
    if expr.startswith("{sel(") and expr.endswith(")}") and expr.count("{") == 1:
        code = expr[1:-1].replace("'", '"')
    else:
        code = f"f{_quoted(expr)}"
    one_line = f"{' ' * 16}P.target({code}, {_py(legend)}),"
    if len(one_line) <= LINE:
        return [one_line]
    room = LINE - 20 - len('f"",')
    pieces, current = [], ""
    for word in expr.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(_quoted(candidate)) - 2 > room:
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    pieces.append(current)
    literals = [f"{' ' * 20}f{_quoted(p)}" for p in pieces] if len(pieces) > 1 else [f"{' ' * 20}{code}"]
    return [f"{' ' * 16}P.target(", *literals[:-1], literals[-1] + ",", f"{' ' * 20}{_py(legend)},", f"{' ' * 16}),"]


def _py(text: str) -> str:
    """A Python string literal in double quotes, the way ruff format writes them (JSON's escapes are Python's)."""
    return json.dumps(text, ensure_ascii=False)


def _quoted(text: str) -> str:
    """``text`` as the body of a double-quoted f-string: braces doubled except ``{sel(...)}``, which is code."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("{sel(", i):
            end = text.index(")}", i) + 2
            out.append(text[i:end])
            i = end
        else:
            out.append({"{": "{{", "}": "}}", '"': '\\"', "\\": "\\\\"}.get(text[i], text[i]))
            i += 1
    return '"' + "".join(out) + '"'


def dashboard_module(catalog: Catalog, title: str, source: str) -> str:
    """The source of ``dashboards/overview.py`` for every metric of the service in ``catalog``."""
    metrics = [m for m in catalog.metrics.values() if m.source == "service"]
    families: dict[str, list[Metric]] = {}
    for m in sorted(metrics, key=lambda m: m.name):
        families.setdefault(family(m.name), []).append(m)
    order = sorted(families, key=lambda f: (f in RUNTIME_FAMILIES, f))
    rows = []
    for name in order:
        panels = "\n".join(panel(m, catalog) for m in families[name])
        rows.append(f"        P.row(\n            {_py(name + '_*')},\n{panels}\n        ),")
    body = "\n".join(rows)
    return f'''"""{title} / Overview: a starter dashboard drafted from {source} by `ai-monitoring-as-code init`.

One row per metric family, one panel per metric: counters as rates, histograms as percentiles, gauges as values.
Keep what answers a question, group it the way an operator reads it, and delete the rest.
"""

from generator import panels as P

from ..settings import JOB, OVERVIEW


def sel(metric: str) -> str:
    """The series of ``metric`` scraped from this service's job."""
    return f'{{metric}}{{{{job="{{JOB}}"}}}}'


dashboard = P.dashboard(
    uid=OVERVIEW,
    title="{title} / Overview",
    description="Every metric of the service, by family: drafted from its /metrics, to be curated.",
    rows=[
{body}
    ],
)
'''
