"""promtool scenarios at the edges of the rules :mod:`generator.rules.slo_rules` generates, beside those of
:mod:`generator.rules.slo_tests` (a burn a few percent off a factor, from January 1st, for at most a few days):

- *ties*: an objective's burn exactly at an alert's factor over one window while the other window is above it:
  the alert asks for more than the factor, so it is silent (a ``>=`` would fire). A tie must be exact in floating
  point: the rates are whole events a second, chosen so that rate() reads them exactly both in Prometheus 2 (a 5m
  window holds both its ends) and in Prometheus 3 (left-open: one sample fewer, extrapolated to the start), and
  constant over the 5-minute blocks the evaluations (every 5 minutes) read, so every 5-minute rate and every sum of
  them is a whole number. The long window (still holding all since start-up) is held at the factor by a block of
  fewer errors before the short window and a block of more in it, which cancel.
- *overspent* (calendar month budgets): the budget spent twice over, then nothing: the rate it allows is exactly 0,
  and a short window that spends nothing is not above 0 times the factor, while the long window still holds spend.
- *spend windows apart*: one window of a spend alert just under its factor while the other is over it. The rate the
  budget allows moves with the spend so far, so the spend rates come from a model of the rules (:func:`_model`).
- *a month and a half*: 45 days evaluated every 7 hours (7 hours divides none of the day-long windows, so no
  evaluation falls on the first instant of a window, where Prometheus 2 and 3 differ), errors that change on the
  15th and 30th day, spend on the 10th: the error budget remaining reads exactly 30 days, the spend so far exactly
  the month so far, in January past its 15th and in February.

The ties are read at one evaluation through the ``ALERTS`` series (neither pending nor firing), so they do not
change the evaluation step the `for` of an alert is pinned at.
"""

from __future__ import annotations

from fractions import Fraction

from .scenarios import RuleTest, reads_exactly, samples, silent
from .slo import BASE, WORKBOOK, SpendBudget, seconds
from .slo_inputs import MONTH, STEP, by_labels, floor_to, input_series, quantize, recorded_value, seconds_text, selector
from .slo_rules import alert_name, burn_scale, rec

BLOCK = 300  # the base window: the evaluation interval of the ties, the span their rates are constant over
INPUT = 60  # seconds between input samples (or the evaluation interval, when shorter)
PERIOD = 7 * 3600  # the evaluation interval of the month-and-a-half scenarios
DAY = 86400


def edge_tests(obj, severities: dict[str, str]) -> list[RuleTest]:
    out: list[RuleTest] = []
    if isinstance(obj, SpendBudget):
        for w in WORKBOOK:
            out += _overspent(obj, w) + _spend_apart(obj, w)
        return out + _spend_month(obj)
    for w in WORKBOOK:
        out += _ties(obj, w)
    return out + _objective_month(obj)


def _inactive(name: str, at: int):
    """Neither pending nor firing at ``at`` (as :func:`silent`, without pinning the alert's evaluation step)."""
    return samples(f'ALERTS{{alertname="{name}"}}', at, {})


def _burn(obj, bad: float, total: float) -> float:
    """The burn rate the rules compute from a sum of bad and of total event rates (slo_rules.burn_scale)."""
    scale, _ = burn_scale(obj)
    if scale:
        return float(scale.split()[0]) * bad / total
    return bad / total / obj.budget


def _tie_rates(obj, w) -> tuple[int, int, int]:
    """Bad and total events a second at exactly the factor, and a swing of bad events a second, all read exactly
    by rate() (:func:`~.scenarios.reads_exactly`), and the burn of the sum of any number of 5-minute rates over
    either window (one more in Prometheus 2) exactly the factor."""
    ratio = Fraction(str(w.factor)) * Fraction(str(obj.budget))
    counts = {1, _long_tie(w) // BLOCK} | {seconds(w.short) // BLOCK + extra for extra in (0, 1)}
    for k in range(1, 10 ** 5):
        bad, total = ratio.numerator * k, ratio.denominator * k
        swing = min(bad, total - bad) // 2
        rates = (bad, total, total - bad, bad - swing, bad + swing, total - bad + swing, total - bad - swing)
        if swing and all(reads_exactly(r, INPUT, BLOCK) for r in rates) and all(
                _burn(obj, n * bad, n * total) == float(w.factor) for n in counts):
            return bad, total, swing
    raise ValueError(f"{obj.name}: no whole rates burn at exactly {w.factor}x")


def _long_tie(w) -> int:
    """When the long window tie is read: a block at the factor, the block under it, the short window (its last
    block over it). The long window then still holds everything since start-up, the same samples in Prometheus 2
    and 3 (the first 5-minute rate, at 5m, reads the same in both, and no sample lies on the window's start)."""
    at = seconds(w.short) + 3 * BLOCK
    assert at < seconds(w.long)
    return at


def _ties(obj, w) -> list[RuleTest]:
    name = alert_name(obj, w)
    bad, total, swing = _tie_rates(obj, w)
    short_s = seconds(w.short)
    labels = {"slo": obj.name, **by_labels(obj)}

    def inputs(*parts):  # [(seconds, bad events a second)], then a block more at the factor
        phases = [(s // INPUT, b / total) for s, b in (*parts, (BLOCK, bad))]
        return input_series(obj, phases, per_step=total * INPUT, two_buckets=True)

    def at_factor(window: str, at: int):
        record = rec("burn", window)
        return samples(f'{record}{{slo="{obj.name}"}} == {w.factor:g}', at, {selector(record, labels): float(w.factor)})

    def t(title, *items):
        return RuleTest(f"{obj.name} {w.long}/{w.short}: {title}", *items, interval=seconds_text(INPUT),
                        evaluation_interval=seconds_text(BLOCK))

    hot = short_s + BLOCK  # more errors, then exactly the factor until the short window holds only that
    short_tie = hot + short_s + 2 * BLOCK
    long_tie = _long_tie(w)  # the factor, a block under it before the short window, a block over it in it
    dip = long_tie - short_s - 2 * BLOCK
    return [
        t(f"{bad + swing}/{total} errors a second, then exactly {w.factor}x ({bad}/{total}): the short window at "
          "the factor, the long one over it: silent",
          *inputs((hot, bad + swing), (short_tie - hot, bad)),
          at_factor(w.short, short_tie), _inactive(name, short_tie)),
        t(f"exactly {w.factor}x ({bad}/{total} errors a second) but {swing} fewer for 5m before the short window "
          "and more for its last 5m: the long window at the factor, the short one over it: silent",
          *inputs((dip, bad), (BLOCK, bad - swing), (short_s, bad), (BLOCK, bad + swing)),
          at_factor(w.long, long_tie), _inactive(name, long_tie)),
    ]


def _overspent(obj, w) -> list[RuleTest]:
    """The calendar month's budget spent twice over in 15 minutes, then nothing: allowed exactly 0, silent."""
    if obj.period != "month":  # a rolling budget allows a constant rate
        return []
    step = STEP[w.long]
    given = min(step, INPUT)
    spend = 900
    stop = spend + seconds(w.short) + BLOCK + step  # the short window spends nothing, the long one still holds spend
    per_step = quantize(2 * obj.dollars / spend * given)
    inputs = input_series(obj, [(spend // given, per_step), ((stop - spend) // given + 1, 0.0)])
    return [RuleTest(
        f"{obj.name} {w.long}/{w.short}: twice the budget spent in 15m, then nothing: the rate allowed is 0, and "
        f"nothing spent over {w.short} is not above it: silent",
        *inputs, recorded_value(rec("allowed"), obj, stop, {"slo": obj.name, **by_labels(obj)}, 0.0),
        silent(alert_name(obj, w), stop), interval=seconds_text(given), evaluation_interval=seconds_text(step))]


def _model(obj, w, phases, given: int, step: int, at: int) -> tuple[float, float, float]:
    """The long and short window spend rates and the rate allowed at ``at``, as the rules compute them (Prometheus
    2) for ``phases`` (``[(steps, dollars a step)]``, a step of ``given`` seconds), evaluated every ``step``, from
    January 1st."""
    counter = [0.0]
    for steps, inc in phases:
        for _ in range(steps):
            counter.append(counter[-1] + inc)
    rates = []  # the 5-minute rate at each evaluation, from the first with two samples
    for t in range(step, at + 1, step):
        rates.append((t, (counter[t // given] - counter[max(t - BLOCK, 0) // given]) / BLOCK))

    def mean(window: int) -> float:
        inside = [r for t, r in rates if t >= at - window]
        return sum(inside) / len(inside)

    long_rate, short_rate = mean(seconds(w.long)), mean(seconds(w.short) if w.short != BASE else 0)
    if obj.period == "month":
        allowed = max(obj.dollars - mean(MONTH) * at, 0) / (MONTH - at)
    else:
        allowed = obj.dollars / (30 * DAY)
    return long_rate, short_rate, allowed


def _spend_apart(obj, w) -> list[RuleTest]:
    """One spend rate, then another: at the check, one window just under the factor (times the rate allowed), the
    other over it; silent."""
    name, step = alert_name(obj, w), STEP[w.long]
    given = min(step, INPUT)
    # A quarter of the long window from start-up, then long enough for the short window to hold only the new rate
    # (the long window holds all since start-up: the model reads it as the rules do).
    steady = floor_to(seconds(w.long) // 4, step)
    check = steady + floor_to(seconds(w.long) // 10, step)
    out = []
    for long_x, short_x, what in ((1.04, 0.95, "the short window just under the factor"),
                                  (0.96, 1.05, "the long window just under the factor")):
        before = after = w.factor * obj.dollars / MONTH  # dollars a second, solved for below

        def phases(before: float, after: float):
            return [(steady // given, quantize(before * given)),
                    ((check - steady) // given + 1, quantize(after * given))]

        for _ in range(20):
            long_rate, short_rate, allowed = _model(obj, w, phases(before, after), given, step, check)
            after *= short_x * w.factor * allowed / short_rate
            before *= long_x * w.factor * allowed / long_rate
        long_rate, short_rate, allowed = _model(obj, w, phases(before, after), given, step, check)
        goal = w.factor * allowed
        if abs(long_rate / goal - long_x) > 0.002 or abs(short_rate / goal - short_x) > 0.002:
            raise ValueError(f"{name}: no spend holds the windows at {long_x}x and {short_x}x")
        inputs = input_series(obj, phases(before, after))
        out.append(RuleTest(
            f"{obj.name} {w.long}/{w.short}: ${before:.4g} a second for {seconds_text(steady)}, then "
            f"${after:.4g}: {what} ({long_x}x and {short_x}x {w.factor} times the rate allowed over {w.long} and "
            f"{w.short}): silent",
            *inputs, silent(name, check), interval=seconds_text(given), evaluation_interval=seconds_text(step)))
    return out


def _evaluations(end: int) -> list[int]:
    return list(range(PERIOD, end + 1, PERIOD))


def _objective_month(obj) -> list[RuleTest]:
    """Errors at 0.1, 0.2 and 0.4 of the budget over days 1-15, 16-30 and 31-45: the remaining budget at the end
    reads the last 30 days."""
    given, total = 120, 1000  # seconds between samples, events a second
    fractions = (0.1 * obj.budget, 0.2 * obj.budget, 0.4 * obj.budget)
    span = 15 * DAY
    phases = [(span // given, f) for f in fractions]
    phases[-1] = (span // given + 1, fractions[-1])
    end = _evaluations(3 * span)[-1]

    def fraction(t: int) -> float:  # the errors of the 5 minutes before an evaluation (none is 5m after a change)
        assert t < span or t % span >= BLOCK
        return fractions[min((t - 1) // span, 2)]

    inside = [t for t in _evaluations(end) if t > end - 30 * DAY]
    bad = sum(total * fraction(t) for t in inside)
    remaining = 1 - (bad / (total * len(inside))) / obj.budget
    return [RuleTest(
        f"{obj.name}: 45 days, errors at 0.1, 0.2 and 0.4 of the budget over days 1-15, 16-30 and 31-45: the budget "
        "remaining reads exactly the last 30 days",
        *input_series(obj, phases, per_step=total * given, two_buckets=True),
        recorded_value(rec("remaining"), obj, end, {"slo": obj.name, **by_labels(obj)}, remaining),
        interval=seconds_text(given), evaluation_interval=seconds_text(PERIOD))]


def _spend_month(obj) -> list[RuleTest]:
    """Spend at 0.4 of the even rate until the 11th, then at 0.8: the spend so far in January past its 15th, and
    in February (31 days on, earlier months left out)."""
    if obj.period != "month":
        return []
    given = 120
    even = obj.dollars / MONTH
    change = 10 * DAY
    low, high = quantize(0.4 * even * given), quantize(0.8 * even * given)  # dollars a step
    end = _evaluations(45 * DAY)[-1]
    january = next(t for t in _evaluations(end) if t >= 20 * DAY)

    def spent(at: int, start: int) -> float:
        rates = [(low if t <= change else high) / given for t in _evaluations(at) if t >= start]
        return sum(rates) / len(rates) * (at - start)

    by = {"slo": obj.name, **by_labels(obj)}
    february = MONTH
    return [RuleTest(
        f"{obj.name}: 45 days, ${low / given:.4g} a second until January 11th, then ${high / given:.4g}: the spend "
        "so far on January 20th reads the whole month, on February 14th February alone",
        *input_series(obj, [(change // given, low), ((end - change) // given + 1, high)]),
        recorded_value(rec("spent"), obj, january, by, spent(january, 0)),
        recorded_value(rec("spent"), obj, end, by, spent(end, february)),
        recorded_value(rec("left"), obj, end, {"slo": obj.name}, 28 * DAY - (end - february)),
        interval=seconds_text(given), evaluation_interval=seconds_text(PERIOD))]
