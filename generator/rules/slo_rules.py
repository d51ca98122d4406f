"""Objectives and budgets (:mod:`generator.rules.slo`) to recording and alerting rules: one group per objective.

Burn-rate alerts need the error ratio (or the spend rate) over seven windows: 5m, 30m, 1h, 2h, 6h, 1d and 3d.
sloth and pyrra compute each of them from the raw series (``rate(x[3d])`` over every instance, model and
provider), so each window added reads the raw series again, and the longest windows read the most samples.
Here the raw series are read once, over the base window (5m), into a few aggregated series per objective
(``slo:sli_total_events:rate5m``, ``slo:sli_bad_events:rate5m``, labelled ``slo`` and the ``by`` labels); every
longer window is computed from those, as a burn rate (the error ratio over the error budget, 1x spends the
budget in exactly the objective's window):

    slo:error_budget:burn_rate<W> = 100 * sum_over_time(bad rate 5m [W]) / sum_over_time(total rate 5m [W])

(for a 1% budget; ``/ budget`` when 1/budget is not a whole number). The mean of the 5-minute rates over W is the
rate over W (up to the 5 minutes the first one reaches back), and a ratio of sums, not a mean of ratios, so a quiet
hour weighs less than a busy one. Multiplying by a whole number keeps a burn of exactly the factor exact (144 bad
events of 1000 are 14.4, not 14.399999999999999), so the tests can tell ``>`` from ``>=``. A window costs one rule
over the aggregated series, whatever the number of raw series. Windows are not chained further (30m from 5m, 6h
from 30m...): a mean of overlapping means smears the edges of a burn by the sum of the inner windows, which moves
the moment an alert fires. The error budget remaining is read over the objective's window (30d) from the same
5-minute series (a few series an objective; a subquery sampling them every 5 minutes would read a thirtieth as
many samples, but has no value until a 5-minute boundary has passed since Prometheus started).

Each alert is one window pair of the workbook (pyrra's layout rather than sloth's ``or`` of two pairs): every
factor, window and ``for`` has an alert of its own whose tests pin it, and a page says which pair fired.

Spend budgets follow the same scheme with dollars per second: ``slo:spend_dollars:rate5m`` from the cost counter,
longer windows as means of it. The burn is measured against the rate the budget still allows: for a calendar
month, what is left of it over the time left in the month; for a rolling 30 days, the budget over 30 days.
Factor 1 on 3d/6h is "at this pace the budget is gone before the period ends"; 14.4 on 1h/5m is fourteen times
that. The month so far is the mean spend rate since the first of the month (a series labelled with the month
number, kept 31 days) times the seconds since then; the projection adds the rate of the last day times the
seconds left.
"""

from __future__ import annotations

from .. import names
from .model import Alert, Recording, RuleGroup
from .slo import BASE, WORKBOOK, Availability, Latency, SpendBudget, camel, generable, windows

SEVERITIES = {"page": "critical", "ticket": "warning"}
MONTH = "31d"  # a calendar month is at most this long


def rec(kind: str, window: str = BASE) -> str:
    """The record names the generated rules share (labelled ``slo``): ``rec("ratio", "1h")`` ->
    ``slo:sli_error:ratio_rate1h``."""
    return {
        "total": f"slo:sli_total_events:rate{window}",
        "bad": f"slo:sli_bad_events:rate{window}",
        "ratio": f"slo:sli_error:ratio_rate{window}",
        "burn": f"slo:error_budget:burn_rate{window}",
        "budget": "slo:error_budget:ratio",
        "remaining": "slo:error_budget:remaining",
        "spend": f"slo:spend_dollars:rate{window}",
        "spend_month": f"slo:spend_dollars:rate{window}_by_month",
        "spent": "slo:spend_dollars:period_to_date",
        "allowed": "slo:spend_allowed_dollars:rate",
        "elapsed": "slo:spend_period:elapsed_seconds",
        "left": "slo:spend_period:left_seconds",
        "projected": "slo:spend_dollars:projected",
    }[kind]


def alert_name(objective, window) -> str:
    return f"{camel(objective.name)}BudgetBurn{window.long}"


def slo_groups(objectives, *, dashboard: str, severities: dict[str, str] | None = None,
               interval: str | None = None) -> list[RuleGroup]:
    """One rule group per objective or budget: its recording rules, then its four burn-rate alerts.
    ``dashboard`` is the uid alerts link to; ``severities`` maps the workbook's page/ticket to this repository's
    severities."""
    severities = {**SEVERITIES, **(severities or {})}
    groups = []
    for obj in objectives:
        if not generable(obj):  # the build reports why (generator.rules.slo.slo_problems)
            continue
        if isinstance(obj, SpendBudget):
            rules = _spend_records(obj) + [_spend_alert(obj, w, severities[w.urgency], dashboard) for w in WORKBOOK]
        else:
            rules = _sli_records(obj) + [_slo_alert(obj, w, severities[w.urgency], dashboard) for w in WORKBOOK]
        group = RuleGroup(f"slo-{obj.name}", rules, interval=interval, wall_clock=isinstance(obj, SpendBudget))
        group.declared_at = obj.declared_at
        groups.append(group)
    return groups


def _by(obj) -> str:
    return f"sum by ({names.grouping(obj.by)})" if obj.by else "sum"


def _at(rule, obj):
    rule.declared_at = obj.declared_at
    return rule


def _of(kind: str, obj, window: str = BASE) -> str:
    return f'{rec(kind, window)}{{slo="{obj.name}"}}'


def _sli_records(obj) -> list[Recording]:
    labels = {"slo": obj.name}
    if isinstance(obj, Latency):
        total = f"{_by(obj)} (rate({obj.count}[{BASE}]))"
        bad = f"{_of('total', obj)}\n- ignoring (slo)\n{_by(obj)} (rate({obj.bucket()}[{BASE}]))"
    elif isinstance(obj, Availability):
        total = f"{_by(obj)} (rate({obj.total}[{BASE}]))"
        # No error series yet is no errors, not a gap.
        bad = f"{_by(obj)} (rate({obj.errors}[{BASE}]))\nor ignoring (slo)\n{_of('total', obj)} * 0"
    else:
        raise TypeError(f"{obj!r} is not an objective")
    out = [Recording(rec("total"), total, labels=labels), Recording(rec("bad"), bad, labels=labels),
           Recording(rec("ratio"), f"{_of('bad', obj)}\n/\n{_of('total', obj)}", labels=labels)]
    scale, per = burn_scale(obj)
    for window in windows():
        bad, total = _of("bad", obj), _of("total", obj)
        if window != BASE:
            bad, total = f"sum_over_time({bad}[{window}])", f"sum_over_time({total}[{window}])"
        out.append(Recording(rec("burn", window), f"{scale}{bad}\n/\n{total}{per}", labels=labels))
    out.append(Recording(rec("remaining"), f"1 - (\n  sum_over_time({_of('bad', obj)}[{obj.window}])\n  /\n"
                         f"  sum_over_time({_of('total', obj)}[{obj.window}])\n) / {obj.budget}",
                         labels=labels))
    return [_at(r, obj) for r in out]


def burn_scale(obj) -> tuple[str, str]:
    """How a window's error ratio becomes its burn rate: ``100 * bad / total`` for a 1% budget. Multiplying the
    bad events by a whole number keeps the burn of a ratio such as 144/1000 exactly 14.4, so that the tests can
    prove ``>`` is not ``>=``; a budget whose inverse is not whole divides instead."""
    inverse = 100 / (100 - float(obj.target))
    if abs(inverse - round(inverse)) < 1e-9:
        return f"{round(inverse)} * ", ""
    return "", f" / {obj.budget}"


def burn_alert(obj, w, severity: str, dashboard: str) -> Alert:
    """The alert of window pair ``w`` of the workbook for an objective or a spend budget."""
    return (_spend_alert if isinstance(obj, SpendBudget) else _slo_alert)(obj, w, severity, dashboard)


def _slo_alert(obj, w, severity: str, dashboard: str) -> Alert:
    what = obj.summary or obj.name
    alert = Alert(
        alert_name(obj, w),
        f"{_of('burn', obj, w.long)} > {w.factor}\nand\n{_of('burn', obj, w.short)} > {w.factor}",
        for_=w.for_, severity=severity, labels={"slo": obj.name, "long": w.long, "short": w.short},
        summary=f"{obj.name}{_each(obj)}: error budget burning at {w.factor}x over {w.long}",
        description=(
            f"{what}: the error budget burns {{{{ $value | printf \"%.1f\" }}}} times as fast as the objective "
            f"affords over the last {w.long}, and over {w.factor} times over the last {w.short} (error budget "
            f"{100 * obj.budget:g}%, objective {obj.target}% over {obj.window}). At this pace the budget of "
            f"{obj.window} is gone in {_exhaust(obj.window, w.factor)}."
        ),
        dashboard=dashboard, runbook=obj.runbook,
    )
    return _at(alert, obj)


def _each(obj) -> str:
    return "".join(f" {{{{ {names.template_label(label)} }}}}" for label in obj.by)


def _exhaust(window: str, factor: float) -> str:
    from .slo import seconds
    hours = seconds(window) / 3600 / factor
    return f"{hours:.0f}h" if hours < 72 else f"{hours / 24:.0f} days"


def _spend_records(obj: SpendBudget) -> list[Recording]:
    labels = {"slo": obj.name}
    out = [Recording(rec("spend"), f"{_by(obj)} (rate({obj.cost}[{BASE}]))", labels=labels)]
    for window in windows()[1:]:
        out.append(Recording(rec("spend", window), f"avg_over_time({_of('spend', obj)}[{window}])", labels=labels))
    if obj.period == "month":
        # The spend rate labelled with the month it was spent in: its mean over the series of this month is the
        # mean rate since the first.
        out.append(Recording(rec("spend_month"), f'{_of("spend", obj)}\n* on () group_left (month)\n'
                             'count_values("month", month())', labels=labels))
        out.append(Recording(rec("elapsed"), "(day_of_month() - 1) * 86400 + time() % 86400", labels=labels))
        out.append(Recording(rec("left"), f"days_in_month() * 86400 - on () {_of('elapsed', obj)}",
                             labels=labels))
        out.append(Recording(rec("spent"), f'sum without (month) (\n  avg_over_time({_of("spend_month", obj)}'
                             f'[{MONTH}])\n  * on (month) group_left ()\n  count_values("month", month())\n)\n'
                             f"* on (slo) group_left ()\n{_of('elapsed', obj)}", labels=labels))
        out.append(Recording(rec("allowed"), f"clamp_min({obj.dollars:g} - {_of('spent', obj)}, 0)\n"
                             f"/ on (slo) group_left ()\n{_of('left', obj)}", labels=labels))
        out.append(Recording(rec("projected"), f"{_of('spent', obj)}\n+\n{_of('spend', obj, '1d')}\n"
                             f"* on (slo) group_left ()\n{_of('left', obj)}", labels=labels))
    else:
        out.append(Recording(rec("spent"), f"avg_over_time({_of('spend', obj)}[30d:{BASE}]) * 30 * 86400",
                             labels=labels))
        out.append(Recording(rec("allowed"), f"{_of('spend', obj)} * 0 + {obj.dollars:g} / (30 * 86400)",
                             labels=labels))
        out.append(Recording(rec("projected"), f"{_of('spend', obj, '1d')} * 30 * 86400", labels=labels))
    return [_at(r, obj) for r in out]


def _spend_alert(obj: SpendBudget, w, severity: str, dashboard: str) -> Alert:
    allowed = _of("allowed", obj)
    period = "this month" if obj.period == "month" else "any 30 days"
    alert = Alert(
        alert_name(obj, w),
        f"{_of('spend', obj, w.long)} > {w.factor} * {allowed}\nand\n"
        f"{_of('spend', obj, w.short)} > {w.factor} * {allowed}",
        for_=w.for_, severity=severity, labels={"slo": obj.name, "long": w.long, "short": w.short},
        summary=f"{obj.name}{_each(obj)}: spending {w.factor}x faster than the budget allows",
        description=(
            f"{obj.summary or obj.name}: spend over the last {w.long} and {w.short} runs at more than {w.factor} "
            f"times the rate that keeps it within ${obj.dollars:,.0f} {period}"
            + (" (what is left of the budget over the time left in the month)" if obj.period == "month" else "")
            + f": ${{{{ $value | printf \"%.4f\" }}}} a second over the last {w.long}."
        ),
        dashboard=dashboard, runbook=obj.runbook,
    )
    return _at(alert, obj)
