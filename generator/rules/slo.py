"""Service level objectives and spend budgets as Python objects, checked against the catalog.

A rules module declares ``objectives = [...]`` and ``groups = slo_groups(objectives, ...)``
(:mod:`generator.rules.slo_rules`); its ``<module>_tests.py`` declares ``tests = slo_tests(objectives, ...)``
(:mod:`generator.rules.slo_tests`). Three kinds of objective, each named (the ``slo`` label of everything
generated for it), each over selectors the content gives, so they work for any metric naming:

- :class:`Availability`: the share of ``total`` events that are not ``errors`` (two counter selectors);
- :class:`Latency`: the share of a histogram's observations at or under ``threshold`` (a bucket bound);
- :class:`SpendBudget`: dollars of a cost counter per calendar month or per rolling 30 days.

``target`` is a percentage in (0, 100); ``window`` (default 30d) is the compliance period of the error budget;
``by`` the labels an objective holds for each value of (``["feature"]``: per feature; ``[]``: the whole service).
:func:`slo_problems` reports what is wrong with them as build problems (checks ``slo/*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import promql_parser

from .. import durations, names
from ..problems import Problem, at_declaration
from ..source import Location, caller_location


# The multi-window, multi-burn-rate alerts of the Google SRE workbook (chapter 5, "Alerting on SLOs"): a long
# window that proves the burn is real and a short one that proves it still goes on, a factor of the even
# burn (1x spends the budget in exactly the window) and a `for` that rides out one bad scrape.
@dataclass(frozen=True)
class BurnWindow:
    long: str
    short: str
    factor: float
    urgency: str  # "page" or "ticket"
    for_: str


WORKBOOK = (
    BurnWindow("1h", "5m", 14.4, "page", "2m"),
    BurnWindow("6h", "30m", 6, "page", "15m"),
    BurnWindow("1d", "2h", 3, "ticket", "30m"),
    BurnWindow("3d", "6h", 1, "ticket", "1h"),
)
BASE = "5m"  # the one window read from the raw series; every longer one is computed from it
PERIODS = ("month", "30d")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def seconds(text: str) -> int:
    return int(durations.parse(text).total_seconds())


def windows() -> list[str]:
    """Every window an alert reads, shortest first (the base window included)."""
    found = {BASE} | {w.long for w in WORKBOOK} | {w.short for w in WORKBOOK}
    return sorted(found, key=seconds)


def camel(name: str) -> str:
    """``chat-availability`` -> ``ChatAvailability``, the stem of an objective's alert names."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


@dataclass
class _Objective:
    name: str
    target: float
    by: list[str]
    window: str
    summary: str
    runbook: str | None
    declared_at: Location | None

    @property
    def budget(self) -> float:
        """The error budget as a ratio (99.5 -> 0.005), rounded so that it prints as the author meant."""
        return round((100 - float(self.target)) / 100, 12)


@dataclass
class Availability(_Objective):
    """``target`` percent of ``total`` events are not ``errors`` over ``window``."""

    total: str = ""
    errors: str = ""

    def __init__(self, name: str, *, total: str, errors: str, target: float, by: list[str] | None = None,
                 window: str = "30d", summary: str = "", runbook: str | None = None):
        super().__init__(name, target, list(by or []), window, summary, runbook, caller_location())
        self.total, self.errors = total, errors

    @property
    def selectors(self) -> list[str]:
        return [self.total, self.errors]


@dataclass
class Latency(_Objective):
    """``target`` percent of the observations of ``histogram`` (restricted by ``matchers``, e.g. ``job="x"``)
    take at most ``threshold`` seconds, which must be one of its bucket bounds."""

    histogram: str = ""
    threshold: float = 0.0
    matchers: str = ""

    def __init__(self, name: str, *, histogram: str, threshold: float, target: float, matchers: str = "",
                 by: list[str] | None = None, window: str = "30d", summary: str = "", runbook: str | None = None):
        super().__init__(name, target, list(by or []), window, summary, runbook, caller_location())
        self.histogram, self.threshold, self.matchers = histogram, threshold, matchers

    def bucket(self, le_matcher: bool = True) -> str:
        """The selector of the ``le`` bucket of the threshold. Prometheus 3 writes ``le="8"`` as ``le="8.0"``
        (and 2 as ``le="8"``), so an integer bound is matched in both spellings."""
        text = _number(self.threshold)
        le = f'le=~"{text}|{text}\\\\.0"' if float(self.threshold).is_integer() else f'le="{text}"'
        return _selector(f"{self.histogram}_bucket", self.matchers, le)

    @property
    def count(self) -> str:
        return _selector(f"{self.histogram}_bucket", self.matchers, 'le="+Inf"')

    @property
    def selectors(self) -> list[str]:
        return [self.count]


@dataclass
class SpendBudget:
    """At most ``dollars`` of ``cost`` (a counter selector, in dollars) per ``period``: ``"month"`` (the calendar
    month, UTC) or ``"30d"`` (any 30 days), for the whole service or for each value of ``by``."""

    name: str
    cost: str
    dollars: float
    period: str = "month"
    by: list[str] = field(default_factory=list)
    summary: str = ""
    runbook: str | None = None
    declared_at: Location | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by = list(self.by or [])
        self.declared_at = self.declared_at or caller_location()

    @property
    def selectors(self) -> list[str]:
        return [self.cost]


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _selector(metric: str, *matchers: str) -> str:
    if names.legacy(metric):
        inner = ",".join(m.strip() for m in matchers if m and m.strip())
        return f"{metric}{{{inner}}}"
    return names.selector(metric, *matchers, sep=",")


def parse_selector(text: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """``metric{a="x",b=~"y"}`` -> ``("metric", {"a": ("=", "x"), "b": ("=~", "y")})``; ValueError if it is not
    a plain selector."""
    expr = promql_parser.parse(text)
    if not isinstance(expr, promql_parser.VectorSelector):
        raise ValueError(f"{text!r} is not a series selector like metric{{label=\"value\"}}")
    ops = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
    found: dict[str, tuple[str, str]] = {}
    for m in expr.matchers.matchers:
        found[m.name] = (ops.get(str(m.op), str(m.op)), m.value)
    name = expr.name or found.pop("__name__", ("", ""))[1]
    return name, found


def slo_problems(objectives, catalog, module: str) -> list[Problem]:
    """Every mistake in ``objectives`` the catalog and the workbook windows show (checks ``slo/*``)."""
    out: list[Problem] = []
    if not isinstance(objectives, list):
        return [Problem("slo/not-objectives", "error", "`objectives` must be a list of Availability, Latency or "
                        "SpendBudget", at_declaration(None, module))]
    longest = max(seconds(w.long) for w in WORKBOOK)
    seen: dict[str, object] = {}
    for obj in objectives:
        if not isinstance(obj, (_Objective, SpendBudget)):
            out.append(Problem("slo/not-objectives", "error", f"{type(obj).__name__} is not an Availability, Latency "
                               "or SpendBudget", at_declaration(None, module)))
            continue
        place = at_declaration(obj.declared_at, module, f"objective {obj.name}")

        def add(check: str, message: str, place=place, out=out) -> None:
            out.append(Problem(check, "error", message, place))

        if not isinstance(obj.name, str) or not NAME.match(obj.name):
            add("slo/name", f"name {obj.name!r} should be lower-case words joined by '-' (it becomes the `slo` "
                "label and, in CamelCase, the alert names)")
        if obj.name in seen:
            add("slo/duplicate-name", f"objective {obj.name!r} is declared twice")
        seen[obj.name] = obj
        if isinstance(obj, SpendBudget):
            if obj.period not in PERIODS:
                add("slo/period", f"period {obj.period!r} is not one of {', '.join(PERIODS)}")
            if not isinstance(obj.dollars, (int, float)) or obj.dollars <= 0:
                add("slo/budget", f"a budget of {obj.dollars!r} dollars: give a positive amount")
        else:
            target = obj.target
            if not isinstance(target, (int, float)) or not 0 < target < 100:
                add("slo/target", f"target {target!r} is outside (0, 100): give a percentage such as 99.5 (100% "
                    "leaves no error budget, and every error would page)")
            try:
                if seconds(obj.window) < longest:
                    add("slo/window-too-short", f"window {obj.window} is shorter than the longest alert window "
                        f"({_longest()}): the slow burn alert would read more than the objective's period")
            except ValueError:
                add("slo/window", f"window {obj.window!r} is not a duration like 30d")
        out += _catalog_problems(obj, catalog, add)
    return out


def generable(obj) -> bool:
    """Whether rules can be generated for ``obj`` at all (else only its problems are reported, by the build)."""
    if isinstance(obj, SpendBudget):
        return isinstance(obj.dollars, (int, float)) and obj.dollars > 0 and obj.period in PERIODS
    if not isinstance(obj, _Objective) or not isinstance(obj.target, (int, float)) or not 0 < obj.target < 100:
        return False
    try:
        seconds(obj.window)
    except ValueError:
        return False
    return True


def _longest() -> str:
    return max((w.long for w in WORKBOOK), key=seconds)


def _catalog_problems(obj, catalog, add) -> list[Problem]:
    """Metrics, labels and (for latency) the bucket bound the catalog must know."""
    if isinstance(obj, Latency):
        metric = catalog.metrics.get(obj.histogram)
        if metric is None or metric.type != "histogram":
            add("slo/unknown-metric", f"{obj.histogram!r} is not a histogram of the catalog")
            return []
        try:
            _, matchers = parse_selector(_selector(obj.histogram, obj.matchers))
        except ValueError as e:
            add("slo/invalid-selector", f"matchers {obj.matchers!r}: {e}")
            return []
        if not any(float(b) == float(obj.threshold) for b in metric.buckets):
            bounds = ", ".join(_number(b) for b in metric.buckets)
            add("slo/threshold-not-bucket", f"threshold {obj.threshold}s is not a bucket bound of {obj.histogram} "
                f"({bounds}): the share under it cannot be counted")
        _label_problems(obj, metric, set(matchers) - {"job", "instance"}, add)
        return []
    for text in obj.selectors:
        try:
            name, matchers = parse_selector(text)
        except ValueError as e:
            add("slo/invalid-selector", f"{text!r}: {e}")
            continue
        series = catalog.series(name) if name in catalog.series_names else None
        if series is None:
            add("slo/unknown-metric", f"{name!r} (in {text}) is not in the catalog")
            continue
        if series.type != "counter":  # a histogram's `_count` and `_sum` are counters, its other series not
            add("slo/not-a-counter", f"{name!r} is a {series.metric.type} series that is not a counter; events and "
                "cost are counted by counters")
        _label_problems(obj, series.metric, set(matchers) - {"job", "instance"}, add)
    return []


def _label_problems(obj, metric, matched: set[str], add) -> None:
    for label in sorted(set(obj.by) | matched):
        if label not in metric.labels:
            add("slo/unknown-label", f"label {label!r} is not a label of {metric.name} "
                f"({', '.join(metric.labels) or 'none'})")


def period_seconds(text: str) -> int:
    return int(timedelta(seconds=seconds(text)).total_seconds())
