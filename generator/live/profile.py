"""How fast time runs on a live stack: the real profile, or a time-compressed one for the end-to-end tests.

The compressed profile is a transformation of the same objects the build compiles, never a second copy of the
rules: :func:`compress_groups` divides every alert's ``for`` (and ``keep_firing_for``), every group interval, and
every range window, subquery range and ``offset`` in every expression by ``speed``. The workload runs ``speed``
times faster too (a wall second is ``speed`` simulated seconds), so rates, ratios, amounts per window and
thresholds keep their meaning: at speed 60, ``increase(cost_total[1h] offset 1d)`` becomes
``increase(cost_total[1m] offset 24m)`` and still compares an hour of simulated spend with the same
simulated hour yesterday.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import timedelta

import promql_parser

from .. import durations
from ..rules import Alert, Recording, RuleGroup

# A duration in PromQL: one or more number+unit pairs (``1h30m``). Units longest first so ``ms`` wins over ``m``.
_DURATION = r"(?:\d+(?:ms|[smhdwy]))+"
# Range selectors ``[5m]`` and subqueries ``[1h:5m]`` (the step may be omitted: ``[1h:]``), and ``offset 1d``.
_RANGE = re.compile(rf"\[\s*({_DURATION})\s*(?::\s*({_DURATION})?\s*)?\]")
_OFFSET = re.compile(rf"(\boffset\s+)(-?)({_DURATION})", re.IGNORECASE)
# String literals (label values, label_replace arguments) are left alone, whatever they contain.
_STRING = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`")


@dataclass(frozen=True)
class Profile:
    """``speed`` simulated seconds pass per wall-clock second; every interval of the stack is divided by it."""

    name: str
    speed: float = 1.0
    # Production settings of the stack, in simulated time (the catalog gives the scrape interval).
    evaluation_interval: timedelta = timedelta(seconds=15)
    group_wait: timedelta = timedelta(seconds=10)
    group_interval: timedelta = timedelta(minutes=1)
    repeat_interval: timedelta = timedelta(hours=4)
    resend_delay: timedelta = timedelta(minutes=1)
    # Floor of the scrape and evaluation intervals: a busy machine cannot answer scrapes every few milliseconds.
    min_interval: timedelta = timedelta(0)
    # History written before Prometheus starts, so that rules comparing with yesterday have a yesterday.
    history: timedelta = timedelta(hours=26)
    history_step: timedelta = timedelta(minutes=1)
    # Its end sampled as often as Prometheus scrapes, so that short rate windows have data as soon as it starts.
    history_recent: timedelta = timedelta(hours=1)
    # Whether the recording rules are evaluated over that history too (generator.live.rulehistory), so that
    # panels of recorded series show their whole range.
    rule_history: bool = True

    def scale(self, value: timedelta) -> timedelta:
        """A simulated duration as wall-clock time on this profile."""
        return value / self.speed

    def wall(self, value: timedelta) -> str:
        return durations.format(self.scale(value))

    def interval(self, value: timedelta) -> str:
        """A scrape or evaluation interval on this profile (never below ``min_interval``)."""
        return durations.format(max(self.scale(value), self.min_interval))

    @property
    def compressed(self) -> bool:
        return self.speed != 1

    def groups(self, groups: list[RuleGroup]) -> list[RuleGroup]:
        return compress_groups(groups, self.speed) if self.compressed else list(groups)


REAL = Profile("real")
# One wall second is one simulated minute: 2m → 2s, 30m → 30s, 1h → 1m, 1d → 24m. Scrapes and evaluations run
# every second rather than every 250 ms (15 s / 60): a 5 s window still holds five scrapes, and a loaded CI
# machine answers in time. The history is coarser (5 simulated minutes = 5 wall seconds) so that writing it stays
# quick. Its history serves the alerts (a "same hour yesterday" reads raw series), not pictures: no
# recorded history, which at 5 simulated minutes would hold too few samples for the 5m windows anyway.
COMPRESSED = Profile("compressed", speed=60, history_step=timedelta(minutes=5), min_interval=timedelta(seconds=1),
                     rule_history=False)
PROFILES = {p.name: p for p in (REAL, COMPRESSED)}


def scale_duration(text: str, speed: float) -> str:
    return durations.format(durations.parse(text) / speed)


def scale_expr(expr: str, speed: float) -> str:
    """``expr`` with every range, subquery range and step, and offset divided by ``speed``; layout kept.

    The result is checked against the parsed expression: every window and offset promql-parser finds must
    have been scaled, so an expression the regular expressions miss fails loudly instead of running unscaled.
    """
    def ranges(m: re.Match) -> str:
        rng, step = m.group(1), m.group(2)
        out = "[" + scale_duration(rng, speed)
        if ":" in m.group(0):
            out += ":" + (scale_duration(step, speed) if step else "")
        return out + "]"

    def offsets(m: re.Match) -> str:
        return m.group(1) + m.group(2) + scale_duration(m.group(3), speed)

    parts, last = [], 0
    for m in _STRING.finditer(expr):
        code = expr[last:m.start()]
        parts += [_OFFSET.sub(offsets, _RANGE.sub(ranges, code)), m.group(0)]
        last = m.end()
    parts.append(_OFFSET.sub(offsets, _RANGE.sub(ranges, expr[last:])))
    scaled = "".join(parts)
    expected = [d / speed for d in _windows(expr)]
    found = _windows(scaled)
    if [round(d.total_seconds() * 1000) for d in expected] != [round(d.total_seconds() * 1000) for d in found]:
        raise ValueError(f"could not scale every window of {expr!r} by 1/{speed}: got {scaled!r}")
    return scaled


def _windows(expr: str) -> list[timedelta]:
    """Every range, subquery step and offset of ``expr``, in a stable order (as promql-parser reads them)."""
    found: list[timedelta] = []

    def visit(node):
        if isinstance(node, promql_parser.MatrixSelector):
            found.append(node.range)
        elif isinstance(node, promql_parser.SubqueryExpr):
            found.append(node.range)
            if node.step:
                found.append(node.step)
            if node.offset:
                found.append(abs(node.offset))
        elif isinstance(node, promql_parser.VectorSelector) and node.offset:
            found.append(abs(node.offset))

    promql_parser.walk(promql_parser.parse(expr), visit)
    return sorted(found)


def compress_groups(groups: list[RuleGroup], speed: float) -> list[RuleGroup]:
    """New RuleGroups whose windows, ``for`` and intervals run ``speed`` times faster; the originals are untouched.
    Groups that read the wall clock (``RuleGroup.wall_clock``, e.g. spend budgets per calendar month) are left out."""
    out = []
    for group in groups:
        if group.wall_clock:
            continue
        rules = []
        for rule in group.rules:
            changes = {"expr": scale_expr(rule.expr, speed)}
            if isinstance(rule, Alert):
                changes["for_"] = scale_duration(rule.for_, speed)
                if rule.keep_firing_for:
                    changes["keep_firing_for"] = scale_duration(rule.keep_firing_for, speed)
            elif not isinstance(rule, Recording):
                raise TypeError(f"unexpected rule {rule!r}")
            rules.append(dataclasses.replace(rule, **changes))
        interval = scale_duration(group.interval, speed) if group.interval else None
        out.append(dataclasses.replace(group, rules=rules, interval=interval))
    return out
