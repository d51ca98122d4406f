"""The inputs and expectations the SLO scenarios (:mod:`generator.rules.slo_tests`, :mod:`generator.rules.slo_edges`)
are written with: the input series an objective's rules read, for phases of a given burn or spend; the value a
record holds; the scenarios' clock (January 1970, an evaluation step by long window).
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from .. import names
from .scenarios import counter_values, duration_text, histogram, samples, series
from .slo import Latency, SpendBudget, parse_selector

STEP = {"1h": 15, "6h": 60, "1d": 300, "3d": 300}  # evaluation interval, seconds, by long window
PER_STEP = 1000  # events per input step (per evaluation step in slo_tests, which samples the day windows finer)
MONTH = 31 * 86400  # the scenarios run in January 1970
LABEL_VALUE = "slo-test"  # the value of each `by` label in the scenarios
ROUND = 1e-09  # the precision a record's value is checked to


def seconds_text(value: int) -> str:
    """``value`` seconds as Prometheus writes a duration (``5m``)."""
    return duration_text(timedelta(seconds=value))


def by_labels(obj) -> dict[str, str]:
    """The ``by`` labels of an objective, each at LABEL_VALUE."""
    return dict.fromkeys(obj.by, LABEL_VALUE)


def selected_labels(expr: str) -> tuple[str, dict[str, str]]:
    """The series name and labels of an input series the selector selects: `=` as written, `!=` and `!~` a value
    they let through, `=~` its first alternative (when it is a plain list of words)."""
    name, matchers = parse_selector(expr)
    labels = {}
    for k, (op, v) in matchers.items():
        if op == "=":
            labels[k] = v
        elif op in ("!=", "!~"):
            labels[k] = "slo_test" if v != "slo_test" else "slo_test_other"
        elif op == "=~" and re.fullmatch(r"[\w.-]+(\|[\w.-]+)*", v):
            labels[k] = v.split("|")[0]
    return name, labels


def selector(name: str, labels: dict[str, str]) -> str:
    """``name{labels}``, labels sorted, as promtool writes a series."""
    return names.series(name, labels)


def quantize(value: float) -> float:
    """``value`` rounded to a multiple of 1/1024: sums of such numbers are exact, so a counter never seems to go
    down (a reset) where one phase of a scenario meets the next."""
    return round(value * 1024) / 1024


def input_series(obj, phases, reset_at: int | None = None, per_step: int = PER_STEP, two_buckets: bool = False):
    """Input series for ``phases``: ``[(steps, bad fraction)]`` of PER_STEP events per step (dollars for a
    budget: ``[(steps, dollars per step)]``). ``reset_at``: the counters restart from 0 after that many steps.
    ``two_buckets``: a latency objective's histogram as only the two buckets its rules read (the threshold's
    and ``+Inf``), for scenarios of many samples."""
    def values(increments):
        increments = [(n, quantize(inc)) for n, inc in increments]
        if reset_at is None:
            return counter_values(increments)
        before, after, left = [], [], reset_at
        for steps, inc in increments:
            take = min(steps, max(left, 0))
            if take:
                before.append((take, inc))
            if steps - take:
                after.append((steps - take, inc))
            left -= take
        return counter_values(before) + " " + counter_values(after)

    if isinstance(obj, SpendBudget):
        name, labels = selected_labels(obj.cost)
        return [series(selector(name, {**labels, **by_labels(obj)}), values(phases))]
    if isinstance(obj, Latency):
        _, labels = selected_labels(f"x{{{obj.matchers}}}")
        good, bad = float(obj.threshold), float(obj.threshold) * 1000
        if reset_at is not None or two_buckets:
            name = f"{obj.histogram}_bucket"
            le = {"le": number_text(good)}
            return [series(selector(name, {**labels, **by_labels(obj), **le}),
                           values([(n, per_step * (1 - f)) for n, f in phases])),
                    series(selector(name, {**labels, **by_labels(obj), "le": "+Inf"}),
                           values([(n, per_step) for n, f in phases]))]
        return [histogram(obj.histogram, {**labels, **by_labels(obj)},
                          *[(n, {good: quantize(per_step * (1 - f)), bad: quantize(per_step * f)}) for n, f in phases])]
    name, labels = selected_labels(obj.errors)
    total_name, total_labels = selected_labels(obj.total)
    bad_labels = {**labels, **by_labels(obj)}
    good_labels = {**total_labels, **by_labels(obj), **_not_selected(obj.errors, set(total_labels))}
    good_labels = {k: v for k, v in good_labels.items() if v != ""}  # an empty label is no label
    return [series(selector(name, bad_labels), values([(n, per_step * f) for n, f in phases])),
            series(selector(total_name, good_labels), values([(n, per_step * (1 - f)) for n, f in phases]))]


def _not_selected(expr: str, keep: set[str]) -> dict[str, str]:
    """Labels of a good-events series that the bad-events selector does not select: `status="error"` gives
    status="not-error", `error_type!=""` gives error_type="" (no label), `x=~"a|b"` gives x="not-a"."""
    _, matchers = parse_selector(expr)
    out = {}
    for k, (op, v) in matchers.items():
        if k in keep:
            continue
        if op == "=":
            out[k] = f"not-{v}"
        elif op == "!=":
            out[k] = v
        elif op == "=~":
            out[k] = "not-" + v.split("|")[0]
    return out


def number_text(value: float) -> str:
    """A bucket bound as an ``le`` label value: a whole number without ``.0``."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def floor_to(value: int, step: int) -> int:
    """``value`` rounded down to a multiple of ``step``."""
    return value // step * step


def recorded_value(record: str, obj, at: int, labels: dict[str, str], value: float):
    """``record`` holds ``value`` at ``at``, to 1e-9: Prometheus' rate() and our arithmetic may differ in the
    last bit, and a change of one second in a month still shows."""
    inverse = 1.0 / ROUND
    expected = math.floor(value * inverse + 0.5) / inverse
    return samples(f'round({selector(record, {"slo": obj.name})}, {ROUND!r})', at, {selector("", labels): expected})
