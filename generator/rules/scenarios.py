"""Unit tests of alerting and recording rules as Python objects, compiled to promtool's test format.

A rules module declares, beside its ``groups``, a list ``tests`` of :class:`RuleTest`. Each is one scenario: input
series (promtool's expanding notation, ``"0+6x20"``; ``_`` for a missed scrape; ``stale`` for a target that went
away) and what must hold at given times::

    RuleTest(
        "errors start: pending, then firing after 2m",
        series('http_requests_total{route="/pay",code="500"}', "0x40 20+20x40"),
        fires("PaymentsFailing", at="12m", labels={...}, summary="...", description="..."),
        pending("PaymentsFailing", at="11m45s", labels={...}),
        silent("PaymentsFailing", at="9m45s"),
        samples("route:http_requests_failed:ratio_rate5m", at="12m", expect={'...{route="/pay"}': 0.5}),
    )

The compiler writes them to ``generated/rules/<module>.test.yml`` beside ``<module>.yml`` (``rule_files`` is
relative), so ``promtool test rules generated/rules/*.test.yml`` runs them alone. Scenarios that need another
evaluation interval (a day of history evaluated every 15 s is slow) go to ``<module>.every-<interval>.test.yml``.

- :func:`fires` asserts the complete set of firing alerts of that name: labels in full (``alertname`` is added by
  promtool) and annotations in full; ``runbook_url`` and ``dashboard_url`` are filled in exactly as the compiler
  fills them in the rule file.
- :func:`silent` asserts that the alert neither fires nor is pending (no ``ALERTS`` series); :func:`pending`
  asserts the ``ALERTS{alertstate="pending"}`` series and that it does not fire yet, so "pending, not yet
  firing" is proven, not assumed.
- :func:`rounded` is :func:`samples` to 1e-9, for a value Prometheus 2 and 3 compute one bit apart.
- :func:`histogram` expands observations into one ``_bucket`` counter per bucket bound *of the catalog*, read at
  build time, so a test of a latency threshold follows the buckets the service really exposes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta

import promql_parser

from .. import durations, names
from ..problems import Place, Problem, at_declaration
from ..source import Location, caller_location

DEFAULT_EVALUATION_INTERVAL = "15s"
# A metric name with optional labels, or a quoted UTF-8 name first inside the braces ({"a.b", c="d"}).
SELECTOR = re.compile(r'^(?:([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?|\{\s*"(?:\\.|[^"\\])+"\s*(?:,.*)?\})$', re.S)


# ---------------------------------------------------------------------------------------------------------------
# What a test declares


@dataclass
class Series:
    selector: str
    values: str


@dataclass
class Histogram:
    """Observations of a histogram metric, per input step, in phases: ``[(steps, {seconds: count}), ...]``."""

    metric: str
    labels: dict[str, str]
    phases: list[tuple[int, dict[float, int]]]


@dataclass
class Check:
    kind: str  # "fires", "silent", "pending" or "samples"
    at: str
    name: str  # alert name, or the PromQL expression of a "samples" check
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    expect: dict[str, float] = field(default_factory=dict)


@dataclass(init=False)
class RuleTest:
    name: str
    inputs: list[Series | Histogram]
    checks: list[Check]
    interval: str = DEFAULT_EVALUATION_INTERVAL  # between two input samples
    evaluation_interval: str = DEFAULT_EVALUATION_INTERVAL
    declared_at: Location | None = field(default=None, compare=False, repr=False)

    def __init__(self, name: str, *items: Series | Histogram | Check, interval: str = DEFAULT_EVALUATION_INTERVAL,
                 evaluation_interval: str = DEFAULT_EVALUATION_INTERVAL):
        self.name = name
        self.inputs = [i for i in items if isinstance(i, (Series, Histogram))]
        self.checks = [i for i in items if isinstance(i, Check)]
        self.interval = interval
        self.evaluation_interval = evaluation_interval
        self.declared_at = caller_location()
        self._stray = [i for i in items if not isinstance(i, (Series, Histogram, Check))]

    @property
    def alerts(self) -> list[str]:
        """The alerts this scenario asserts something about, in the order its checks name them."""
        return list(dict.fromkeys(c.name for c in self.checks if c.kind != "samples"))

    @property
    def subject(self) -> str:
        """What the scenario is about, for reports: its alerts, or else the expressions it evaluates."""
        return ", ".join(self.alerts or dict.fromkeys(c.name for c in self.checks))

    @property
    def title(self) -> str:
        return f"{self.subject}: {self.name}"


def series(selector: str, values: str) -> Series:
    """An input series in promtool's notation: ``series('up{job="checkout"}', "1x30 0x10")``."""
    return Series(selector, values)


def histogram(metric: str, labels: dict[str, str], *phases: tuple[int, dict[float, int]]) -> Histogram:
    """``histogram("http_request_duration_seconds", {...}, (40, {1.0: 19, 6.0: 1}))``: for 40 steps, each step 19
    requests take 1 s and one takes 6 s. The bucket counters are written for the catalog's buckets."""
    return Histogram(metric, dict(labels), [(int(n), dict(obs)) for n, obs in phases])


def fires(alert: str, at: str | int, labels: dict[str, str], summary: str, description: str) -> Check:
    """``alert`` fires at ``at`` with exactly these labels (severity included) and annotations. Several ``fires``
    of one alert at one time together list every instance that fires then."""
    return Check("fires", _at(at), alert, dict(labels), {"summary": summary, "description": description})


def silent(alert: str, at: str | int) -> Check:
    """No instance of ``alert`` fires or is even pending at ``at``."""
    return Check("silent", _at(at), alert)


def pending(alert: str, at: str | int, labels: dict[str, str]) -> Check:
    """``alert`` is pending (its condition holds, its ``for`` has not elapsed) with these labels, and does not fire."""
    return Check("pending", _at(at), alert, dict(labels))


def samples(expr: str, at: str | int, expect: dict[str, float] | None = None) -> Check:
    """``expr`` evaluated at ``at`` returns exactly these samples (``{'name{label="v"}': value}``; empty: nothing)."""
    return Check("samples", _at(at), expr, expect=dict(expect or {}))


def rounded(expr: str, at: str | int, expect: dict[str, float], to: float = 1e-09) -> Check:
    """:func:`samples` of ``round(expr, to)``: for a value Prometheus 2 and 3 read apart in the last bit (3's
    windows are left-open, so rate() extrapolates from one sample fewer; see :func:`reads_exactly`). ``expect``
    is written as for :func:`samples`, with the exact values; the metric name, which round() drops, may stay."""
    inverse = 1.0 / to  # as Prometheus' round() computes it
    return samples(f"round({expr}, {to!r})", at, {
        key[key.index("{"):] if "{" in key else "{}": math.floor(value * inverse + 0.5) / inverse
        for key, value in expect.items()})


def reads_exactly(per_second: int, step: int, window: int = 300) -> bool:
    """Whether rate(x[window]) of a counter growing ``per_second``, sampled every ``step`` seconds, reads exactly
    ``per_second`` at an evaluation on a sample, both in Prometheus 2 (the window holds both its ends: increase *
    ((window / window) / window)) and in 3 (left-open: one sample fewer, extrapolated to the start: increase *
    ((window - step + step) / (window - step) / window)), as Prometheus computes it in float64. A value a scenario
    checks exactly at a threshold needs such rates when it sums three or more series: promtool loads a scenario's
    series in no fixed order, and sums of inexact rates differ in the last bit from run to run."""
    return all(read == per_second for read in rate_reads(per_second, step, window))


def rate_reads(per_second: int, step: int, window: int = 300) -> tuple[float, float]:
    """What rate() reads in Prometheus 2 and in Prometheus 3 (see :func:`reads_exactly`)."""
    two = (window * per_second) * (window / window / window)
    sampled = window - step
    three = (sampled * per_second) * ((sampled + step) / sampled / window)
    return two, three


def _at(value: str | int) -> str:
    if isinstance(value, int):
        return duration_text(timedelta(seconds=value))
    return str(value)


def duration_text(value: timedelta) -> str:
    """``timedelta(seconds=735)`` as ``12m15s``, the form promtool reads."""
    total = int(value.total_seconds())
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            out += f"{total // size}{unit}"
            total %= size
    return out or "0s"


# ---------------------------------------------------------------------------------------------------------------
# Compiling to promtool's format


@dataclass
class CompiledTests:
    """The test files of one rules module: path under generated/ -> promtool test file (as data)."""

    module: str
    tests: list[RuleTest]
    files: dict[str, dict]


def compile_tests(tests, *, module: str, rule_file: str, group_order: list[str], alerts: dict, records: set[str],
                  catalog, annotations_for) -> tuple[CompiledTests | None, list[Problem]]:
    """Render ``tests`` (from ``module``) as promtool test files beside ``rule_file`` (a path under generated/).

    ``group_order`` names the rule groups in the order they are declared: promtool evaluates them in that order
    (recording rules before the alerts that read them) instead of in random order. ``alerts`` maps alert names
    to their rules, ``records`` names the recording rules, ``annotations_for(alert)``
    gives the annotations the compiler adds (runbook and dashboard URLs). Returns the files and the problems.
    """
    problems: list[Problem] = []
    if not isinstance(tests, list) or not all(isinstance(t, RuleTest) for t in tests):
        return None, [Problem("ruletests/not-a-test", "error", "`tests` must be a list of generator.ruletests.RuleTest",
                              Place(module))]
    directory, base = rule_file.rsplit("/", 1)
    stem = base.rsplit(".", 1)[0]
    by_interval: dict[str, list[dict]] = {}
    names: dict[str, str] = {}
    for test in tests:
        where = str(test.declared_at or module)
        place = at_declaration(test.declared_at, module, f"test {test.name!r}")
        before = len(problems)
        _validate(test, lambda check, message, at=place: problems.append(Problem(check, "error", message, at)),
                  alerts, records, catalog)
        if test.name in names:
            problems.append(Problem("ruletests/duplicate-name", "error",
                                    f"test name {test.name!r} is already used at {names[test.name]}", place))
        names[test.name] = where
        if len(problems) == before:
            by_interval.setdefault(test.evaluation_interval, []).append(
                _render_test(test, alerts, catalog, annotations_for))
    if problems:
        return None, problems
    files = {}
    for interval, rendered in by_interval.items():
        suffix = "" if interval == DEFAULT_EVALUATION_INTERVAL else f".every-{interval}"
        files[f"{directory}/{stem}{suffix}.test.yml"] = {
            "rule_files": [base],
            "evaluation_interval": interval,
            "group_eval_order": list(group_order),
            "tests": rendered,
        }
    return CompiledTests(module, tests, dict(sorted(files.items()))), []


def _validate(test: RuleTest, add, alerts: dict, records: set[str], catalog) -> None:
    """Report each mistake of ``test`` through ``add(check, message)``."""
    if not str(test.name).strip():
        add("ruletests/unnamed", "a test needs a name saying what it proves")
    for stray in test._stray:
        add("ruletests/stray-argument", f"{stray!r} is neither an input (series, histogram) nor a check")
    for what, value in (("interval", test.interval), ("evaluation_interval", test.evaluation_interval)):
        if not _is_duration(value):
            add("ruletests/invalid-duration", f"{what} {value!r} is not a duration like 15s or 1m")
    if not test.inputs:
        add("ruletests/no-inputs", "no input series")
    if not test.checks:
        add("ruletests/checks-nothing", "checks nothing; add fires(), silent(), pending() or samples()")
    for item in test.inputs:
        if isinstance(item, Series) and not SELECTOR.match(item.selector.strip()):
            add("ruletests/invalid-series", f"series {item.selector!r} is not a metric name with optional {{labels}}")
        if isinstance(item, Histogram):
            metric = catalog.metrics.get(item.metric)
            if metric is None or metric.type != "histogram":
                add("ruletests/unknown-histogram", f"{item.metric!r} is not a histogram of the catalog")
    for check in test.checks:
        if not _is_duration(check.at):
            add("ruletests/invalid-duration", f"time {check.at!r} is not a duration like 5m or 12m15s")
        if check.kind == "samples":
            try:
                promql_parser.parse(check.name)
            except ValueError as e:
                add("ruletests/invalid-expression", f"samples() expression {check.name!r} does not parse: {e}")
        elif check.name not in alerts:
            known = ", ".join(sorted(alerts)) or "none"
            add("ruletests/unknown-alert", f"{check.kind}() names alert {check.name!r}, which this module does not "
                f"declare (known: {known})")
    seen: dict[tuple[str, str], str] = {}
    for check in test.checks:
        if check.kind in ("fires", "silent"):
            key = (check.name, check.at)
            if seen.get(key, check.kind) != check.kind:
                add("ruletests/contradiction",
                    f"{check.name} is expected both to fire and to stay silent at {check.at}")
            seen[key] = check.kind


def _is_duration(value) -> bool:
    try:
        durations.parse(str(value))
        return True
    except ValueError:
        return False


def _render_test(test: RuleTest, alerts: dict, catalog, annotations_for) -> dict:
    inputs = []
    for item in test.inputs:
        if isinstance(item, Series):
            inputs.append({"series": item.selector.strip(), "values": item.values.strip()})
        else:
            inputs += _histogram_series(item, catalog.metrics[item.metric].buckets)
    rendered: dict = {"name": test.title, "interval": test.interval, "input_series": inputs}
    alert_tests: dict[tuple[str, str], list] = {}
    expr_tests = []
    for check in test.checks:
        if check.kind == "samples":
            expr_tests.append({"expr": check.name, "eval_time": check.at,
                               "exp_samples": [{"labels": k, "value": v} for k, v in check.expect.items()]})
            continue
        expected = alert_tests.setdefault((check.name, check.at), [])
        if check.kind == "fires":
            expected.append({"exp_labels": dict(check.labels),
                             "exp_annotations": {**check.annotations, **annotations_for(alerts[check.name])}})
        elif check.kind == "silent":  # neither firing (above) nor pending
            expr_tests.append({"expr": _selector({"__name__": "ALERTS", "alertname": check.name}),
                               "eval_time": check.at, "exp_samples": []})
        elif check.kind == "pending":
            selector = {"__name__": "ALERTS", "alertname": check.name, "alertstate": "pending", **check.labels}
            expr_tests.append({"expr": _selector(selector), "eval_time": check.at,
                               "exp_samples": [{"labels": _selector(selector), "value": 1}]})
    rendered["alert_rule_test"] = [{"eval_time": at, "alertname": name, "exp_alerts": exp}
                                   for (name, at), exp in alert_tests.items()]
    if expr_tests:
        rendered["promql_expr_test"] = expr_tests
    if not rendered["alert_rule_test"]:
        del rendered["alert_rule_test"]
    return rendered


def _selector(labels: dict[str, str]) -> str:
    return names.series(labels.get("__name__", ""), {k: v for k, v in labels.items() if k != "__name__"})


def _histogram_series(item: Histogram, buckets) -> list[dict]:
    """One cumulative ``_bucket`` counter per bound of the catalog's buckets, and ``+Inf``."""
    bounds = [(float(b), _number(b)) for b in buckets] + [(float("inf"), "+Inf")]
    out = []
    for bound, text in bounds:
        per_phase = [(n, sum(c for seconds, c in obs.items() if seconds <= bound)) for n, obs in item.phases]
        labels = {**item.labels, "le": text}
        out.append({"series": _selector({"__name__": f"{item.metric}_bucket", **labels}),
                    "values": counter_values(per_phase)})
    return out


def counter_values(phases: list[tuple[int, float]]) -> str:
    """``[(20, 5), (10, 0)]`` (20 steps adding 5, then 10 adding nothing) in expanding notation, from 0."""
    parts = []
    value = 0.0
    for index, (steps, increment) in enumerate(phases):
        if index == 0:
            parts.append(f"0+{_number(increment)}x{steps}")
        elif steps > 0:
            parts.append(f"{_number(value + increment)}+{_number(increment)}x{steps - 1}")
        value += increment * steps
    return " ".join(parts)


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)
