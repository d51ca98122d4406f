"""promtool scenarios for the rules :mod:`generator.rules.slo_rules` generates, so that an objective's tests are
as complete as its rules without anyone writing them: ``tests = slo_tests(objectives)`` in ``<module>_tests.py``.

For every alert (one window pair of the workbook), at an evaluation interval that suits its windows (15 s for
1h/5m, 1 m for 6h/30m, 5 m for the day windows; inputs sampled every minute at most, so that Prometheus 3's
left-open 5-minute window holds two samples):

- *fires*: a burn 5% above the factor from start-up, when every window is partial and holds only what there is:
  pending until its ``for`` has passed, then firing with its labels and annotations;
- *just below*: 5% below the factor, silent; *no traffic*: counters that do not move, 0/0, silent;
- *counter reset*: the service restarts mid-way at a burn just below the factor: no spike, silent;
- *windows*: a long clean history, then a burn at twice the factor that crosses the threshold halfway through
  the long window (silent at 3/8 of it, firing at 3/4), then stops, so the short window resolves the alert
  halfway through it (firing at 3/8, silent at 3/4). A long or short window halved or doubled moves those
  moments past the checks: the mutation test (tests/test_rule_mutants.py) proves every one is noticed.

And one *values* scenario per objective (every 5 minutes for a day and an hour) checks every recording rule's
value, the error budget remaining, the spend so far, the rate the budget allows and the projection. Latency
objectives get one more, with the bucket spelled as Prometheus 3 writes it (``le="10.0"``).

Scenarios at the edges (exact ties, an overspent budget, spend windows apart, 45 days of history) are in
:mod:`generator.rules.slo_edges`; :func:`slo_tests` returns them too. Both write their input series and expected
values with :mod:`generator.rules.slo_inputs`.
"""

from __future__ import annotations

from fractions import Fraction

from .. import names
from .scenarios import RuleTest, counter_values, fires, pending, samples, series, silent
from .slo import WORKBOOK, Availability, Latency, SpendBudget, generable, seconds, windows
from .slo_edges import edge_tests
from .slo_inputs import (
    LABEL_VALUE,
    MONTH,
    PER_STEP,
    STEP,
    by_labels,
    floor_to,
    input_series,
    number_text,
    quantize,
    recorded_value,
    seconds_text,
    selected_labels,
    selector,
)
from .slo_rules import SEVERITIES, alert_name, burn_alert, rec

# Seconds between input samples, at most (the evaluation interval when shorter): Prometheus 3's 5-minute window is
# left-open, so samples 5 minutes apart leave one in it, and rate() none.
INPUT = 60


def slo_tests(objectives, *, severities: dict[str, str] | None = None) -> list[RuleTest]:
    severities = {**SEVERITIES, **(severities or {})}
    out: list[RuleTest] = []
    for obj in (o for o in objectives if generable(o)):
        for w in WORKBOOK:
            out += _alert_tests(obj, w, severities[w.urgency])
        out += _value_tests(obj)
    for obj in (o for o in objectives if generable(o)):
        out += edge_tests(obj, severities)
    return out


def _threshold(obj, w, at: int, step: int) -> float:
    """The burn (bad fraction, or dollars a step) at which the alert's condition holds exactly at time ``at``
    of a scenario that burns at a constant rate from start-up."""
    if isinstance(obj, SpendBudget):
        if obj.period == "month":  # r (month - t) > factor (budget - r t)
            return w.factor * obj.dollars / (MONTH + (w.factor - 1) * at) * step
        return w.factor * obj.dollars / (30 * 86400) * step
    return w.factor * obj.budget


def _finer(obj, phases, step: int, per_step: int = PER_STEP, **kw):
    """:func:`input_series` for ``phases`` of evaluation steps (``step`` seconds), sampled every
    ``min(step, INPUT)`` seconds: the same counters at every evaluation, with samples between."""
    k = step // min(step, INPUT)
    spend = isinstance(obj, SpendBudget)
    if kw.get("reset_at") is not None:
        kw["reset_at"] *= k
    return input_series(obj, [(n * k, v / k if spend else v) for n, v in phases], per_step=per_step // k, **kw)


def _alert_tests(obj, w, severity: str) -> list[RuleTest]:
    step = STEP[w.long]
    given = min(step, INPUT)
    name = alert_name(obj, w)
    labels = {"severity": severity, "slo": obj.name, "long": w.long, "short": w.short, **by_labels(obj)}
    first = step  # the first evaluation with two samples in the base window
    fire_at = first + seconds(w.for_)
    long_s, short_s = seconds(w.long), seconds(w.short)
    end = fire_at + 4 * step
    # Spend budgets 5% either side of the factor; objectives 0.5%, so that the whole number that turns a ratio
    # into a burn rate (100 for a 1% budget) cannot be off by one either.
    margin = 0.05 if isinstance(obj, SpendBudget) else 0.005
    above = (1 + margin) * _threshold(obj, w, 0, step)
    if isinstance(obj, SpendBudget):
        above = quantize(above * given / step) * step / given  # exact in the increments of the finer input
    value = above if isinstance(obj, SpendBudget) else above / obj.budget
    if isinstance(obj, SpendBudget):  # the spend rate of a partial window is low: the alert holds later
        start, value = _spend_start(obj, w, above, step)
        fire_at = start + seconds(w.for_)
    end = fire_at + 4 * step
    below = (1 - margin) * _threshold(obj, w, end, step)
    n = end // step + 1

    def t(title, *items):
        return RuleTest(f"{obj.name} {w.long}/{w.short}: {title}", *items, interval=seconds_text(given),
                        evaluation_interval=seconds_text(step))

    # k times the factor: the long window crosses the threshold after 1/k of it (a halved window after half
    # that, a doubled one after twice); once the burn stops, the short window falls under it after 1 - 1/k of
    # it (plus half the base window when it is computed from 5-minute rates).
    k = 2.0 if isinstance(obj, SpendBudget) else min(2.0, 0.98 / _threshold(obj, w, 0, step))
    history = (3 * long_s // 2) // step * step
    cross = long_s / k
    burn_end = history + floor_to(int(1.5 * cross), step)
    resolve = short_s * (1 - 1 / k) + (0 if short_s == 300 else 150)
    total = burn_end + short_s
    hot = k * _threshold(obj, w, burn_end, step)
    firing = f'ALERTS{{alertname="{name}",alertstate="firing"}}'
    firing_labels = selector("ALERTS", {"alertname": name, "alertstate": "firing", **labels})
    return [
        t(f"a burn of {above:.4g} from start-up (partial windows): pending for {w.for_}, then firing",
          *_finer(obj, [(n, above)], step),
          silent(name, 0),
          pending(name, fire_at - step, labels),
          fires(name, fire_at, labels, **_annotations(obj, w, value, step))),
        t(f"a burn of {below:.4g}, just under {w.factor}x: silent",
          *_finer(obj, [(n, below)], step),
          silent(name, fire_at), silent(name, end)),
        t("no traffic, counters that do not move (0/0): silent", *_finer(obj, [(n, 0.0)], step),
          silent(name, fire_at), silent(name, end)),
        t("a restart halfway at a burn just under the factor: no spike, silent",
          *_finer(obj, [(n, below)], step, reset_at=n // 2),
          silent(name, (n // 2 + 1) * step), silent(name, fire_at), silent(name, end)),
        t(f"clean for {seconds_text(history)}, then {k:.3g}x the factor: fires once 1/{k:.3g} of the long window "
          f"burnt; resolves after {1 - 1 / k:.2g} of the short window once the burn stops",
          *_finer(obj, [(history // step, 0), ((burn_end - history) // step, hot),
                        ((total - burn_end) // step + 1, 0)], step),
          silent(name, history + floor_to(int(0.75 * cross), step)),
          samples(firing, burn_end, {firing_labels: 1}),
          samples(firing, burn_end + floor_to(int(0.75 * resolve), step), {firing_labels: 1}),
          silent(name, burn_end + floor_to(int(1.5 * resolve), step))),
    ] + ([_exactly(obj, w, name, step, t)] if isinstance(obj, Availability) else []) + (
        [] if isinstance(obj, SpendBudget) else _one_window_under(obj, w, name, step, t))


def _one_window_under(obj, w, name: str, step: int, t) -> list[RuleTest]:
    """The two windows apart: each scenario holds one window just under the factor while the other is over it,
    so that lowering either threshold alone fires where the alert must stay silent."""
    long_s = seconds(w.long)
    steady = floor_to(long_s + 300 + seconds(w.for_) + step, step)  # both windows full of the steady burn
    check = steady + floor_to(long_s // 10, step)  # the short window has moved, the long one not yet
    n = (check - steady) // step + 2
    f = _threshold(obj, w, 0, step)
    return [
        t(f"steady at 1.005x for {seconds_text(steady)}, then 0.98x: the short window falls under the factor first",
          *_finer(obj, [(steady // step, 1.005 * f), (n, 0.98 * f)], step),
          silent(name, check)),
        t(f"steady at 0.995x for {seconds_text(steady)}, then 1.02x: the long window stays under the factor a while",
          *_finer(obj, [(steady // step, 0.995 * f), (n, 1.02 * f)], step),
          silent(name, check)),
    ]


def _exactly(obj, w, name: str, step: int, t) -> RuleTest:
    """Errors at exactly the factor, as whole events a second (144 of 1000 for 14.4x a 1% budget): once the
    partial windows of start-up have left the long window, every sum is exact and the burn is the factor
    itself, which is not above it. (Availability only: a latency objective's bad events are total minus good,
    two rates that differ from their exact value in the last bit, so its burn is never exactly the factor.)"""
    ratio = Fraction(str(w.factor)) * Fraction(str(obj.budget))
    per_second = ratio.denominator * (1 if ratio.denominator >= 100 else 1000 // ratio.denominator)
    bad = per_second * ratio
    settled = seconds(w.long) + 300 + step
    n = (settled + seconds(w.for_)) // step + 2
    inputs = _finer(obj, [(n, float(bad / per_second))], step, per_step=per_second * step)
    return t(f"errors at exactly {w.factor}x ({bad}/{per_second} a second): not above, silent", *inputs,
             silent(name, settled + seconds(w.for_)), silent(name, settled + seconds(w.for_) + step))


def _spend_start(obj, w, per_step: float, step: int) -> tuple[int, float]:
    """When a spend of ``per_step`` dollars a step from start-up first meets the alert's condition, and the
    long window's rate (``$value``) once its ``for`` has passed. Prometheus' rate() does not extrapolate a
    counter below zero, so the 5-minute rate of the first 5 minutes is the spend so far over 5 minutes."""
    long_s, short_s, base = seconds(w.long), seconds(w.short), 300
    rates: list[tuple[int, float]] = []

    def mean(window: int, t: int) -> float:
        inside = [r for at, r in rates if at >= t - window]
        return sum(inside) / len(inside)

    start = None
    for m in range(1, 10 ** 6):
        t = m * step
        rates.append((t, min(t, base) / base * per_step / step))
        if start is not None and t == start + seconds(w.for_):
            return start, mean(long_s, t)
        if obj.period == "month":
            allowed = max(obj.dollars - mean(MONTH, t) * t, 0) / (MONTH - t)
        else:
            allowed = obj.dollars / (30 * 86400)
        short = rates[-1][1] if short_s == base else mean(short_s, t)
        if start is None and mean(long_s, t) > w.factor * allowed and short > w.factor * allowed:
            start = t
            if not seconds(w.for_):
                return start, mean(long_s, t)
    raise ValueError(f"{obj.name}: a spend of {per_step} a step never meets the {w.long} alert")


def _annotations(obj, w, burn: float, step: int) -> dict[str, str]:
    """The summary and description the alert renders in the *fires* scenario (``$value`` is the long window)."""
    alert = burn_alert(obj, w, "", "")
    if isinstance(obj, SpendBudget):
        value = f"{burn:.4f}"
        text = {k: getattr(alert, k).replace('{{ $value | printf "%.4f" }}', value) for k in ("summary",
                                                                                           "description")}
    else:
        value = f"{burn:.1f}"
        text = {k: getattr(alert, k).replace('{{ $value | printf "%.1f" }}', value) for k in ("summary",
                                                                                            "description")}
    for label in obj.by:
        text = {k: v.replace(f"{{{{ {names.template_label(label)} }}}}", LABEL_VALUE) for k, v in text.items()}
    return text


def _value_tests(obj) -> list[RuleTest]:
    """Every recording rule's value, a day and an hour into a steady burn (evaluated every 5 minutes, sampled every
    minute)."""
    step, at = INPUT, 86400 + 13 * 3600  # past noon: a day of 43,200 s would show
    n = at // step + 2
    by = {"slo": obj.name, **by_labels(obj)}
    checks = []
    if isinstance(obj, SpendBudget):
        dollars = 0.5  # a step (a multiple of 1/1024: every sum is exact)
        rate = dollars / step
        elapsed = at  # January 2nd, 13:00
        left = MONTH - elapsed
        checks.append(recorded_value(rec("spend"), obj, at, by, rate))
        for window in windows()[1:]:
            checks.append(recorded_value(rec("spend", window), obj, at, by, rate))
        if obj.period == "month":
            spent = rate * elapsed
            checks += [
                recorded_value(rec("spend_month"), obj, at, {**by, "month": "1"}, rate),
                recorded_value(rec("elapsed"), obj, at, {"slo": obj.name}, elapsed),
                recorded_value(rec("left"), obj, at, {"slo": obj.name}, left),
                recorded_value(rec("spent"), obj, at, by, spent),
                recorded_value(rec("allowed"), obj, at, by, (obj.dollars - spent) / left),
                recorded_value(rec("projected"), obj, at, by, spent + rate * left),
            ]
        else:
            checks += [
                recorded_value(rec("spent"), obj, at, by, rate * 30 * 86400),
                recorded_value(rec("allowed"), obj, at, by, obj.dollars / (30 * 86400)),
                recorded_value(rec("projected"), obj, at, by, rate * 30 * 86400),
            ]
        inputs = input_series(obj, [(n, dollars)])
    else:
        fraction, rate = 0.002, 1000  # events a second: integer rates keep every sum exact
        total = rate
        checks += [
            recorded_value(rec("total"), obj, at, by, total),
            recorded_value(rec("bad"), obj, at, by, total * fraction),
            recorded_value(rec("remaining"), obj, at, by, 1 - fraction / obj.budget),
        ]
        checks.append(recorded_value(rec("ratio"), obj, at, by, fraction))
        for window in windows():
            checks.append(recorded_value(rec("burn", window), obj, at, by, fraction / obj.budget))
        inputs = input_series(obj, [(n, fraction)], per_step=rate * step)
    tests = [RuleTest(f"{obj.name}: every recorded value a day and 13 hours into a steady burn", *inputs, *checks,
                      interval=seconds_text(step), evaluation_interval=seconds_text(300))]
    if isinstance(obj, Availability):
        good = list(input_series(obj, [(3600 // step, fraction)], per_step=rate * step))[1]
        tests.append(RuleTest(f"{obj.name}: no error series yet is no errors, not a gap", good,
                              recorded_value(rec("bad"), obj, 3600, by, 0),
                              recorded_value(rec("ratio"), obj, 3600, by, 0),
                              interval=seconds_text(step), evaluation_interval=seconds_text(300)))
    if isinstance(obj, Latency) and float(obj.threshold).is_integer():
        _, labels = selected_labels(f"x{{{obj.matchers}}}")
        bucket = f"{obj.histogram}_bucket"
        good = {**labels, **by_labels(obj), "le": f"{number_text(obj.threshold)}.0"}
        tests.append(RuleTest(
            f"{obj.name}: Prometheus 3 writes the bucket as le=\"{good['le']}\", and it is still the threshold",
            series(selector(bucket, good), counter_values([(n, 900 * step)])),
            series(selector(bucket, {**good, "le": "+Inf"}), counter_values([(n, 1000 * step)])),
            recorded_value(rec("ratio"), obj, at, by, 0.1),
            interval=seconds_text(step), evaluation_interval=seconds_text(300)))
    return tests
