"""Alerting and recording rules as Python objects, compiled to a Prometheus rule file.

A rules module under ``rules/`` defines ``groups = [RuleGroup(...), ...]``. The objects only hold what the
author wrote; :mod:`generator.rules.render` adds ``runbook_url`` and ``dashboard_url`` in one pass.
:func:`validate_group` reports (as :class:`generator.problems.Problem`, check ``rules/*``, placed at the
declaration) what only the Python model knows; the rules Prometheus files share with the linter are gates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import promql_parser

from ..problems import Problem, at_declaration
from ..source import Location, caller_location

ALERT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass
class Alert:
    """An alerting rule. ``for_`` is the pending duration; ``dashboard`` the uid where an operator starts;
    ``runbook`` the name of its runbook (``<runbooks>/<runbook>.md``) when several alerts share one (default: the
    alert's name)."""

    name: str
    expr: str
    for_: str
    severity: str
    summary: str
    description: str
    dashboard: str
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    keep_firing_for: str | None = None
    suppress: dict[str, str] = field(default_factory=dict)
    runbook: str | None = None
    declared_at: Location | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.expr = _dedent(self.expr)
        self.declared_at = self.declared_at or caller_location()

    @property
    def runbook_name(self) -> str:
        return self.runbook or self.name


@dataclass
class Recording:
    """A recording rule: ``record`` is the new series name (``level:metric:operations``)."""

    record: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)
    suppress: dict[str, str] = field(default_factory=dict)
    declared_at: Location | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.expr = _dedent(self.expr)
        self.declared_at = self.declared_at or caller_location()


@dataclass
class RuleGroup:
    """``wall_clock``: its rules weigh rates per real second against the calendar (``time()``, the days of the
    month), which a time-compressed stack (generator.live.profile) cannot speed up: it leaves them out."""

    name: str
    rules: list[Alert | Recording]
    interval: str | None = None
    wall_clock: bool = False
    declared_at: Location | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.declared_at = self.declared_at or caller_location()

    @property
    def alerts(self) -> list[Alert]:
        return [r for r in self.rules if isinstance(r, Alert)]

    @property
    def recordings(self) -> list[Recording]:
        return [r for r in self.rules if isinstance(r, Recording)]


def _dedent(expr: str) -> str:
    """Strip the indentation of a triple-quoted expression so the YAML reads like the source."""
    lines = [line.rstrip() for line in str(expr).strip("\n").splitlines()]
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines).strip()


def _problem(check: str, message: str, location, fallback: str, *path: str) -> Problem:
    return Problem(check, "error", message, at_declaration(location, fallback, *path))


def validate_group(group: RuleGroup, *, dashboard_uids: set[str], runbook_path, module: str = "") -> list[Problem]:
    """Every mistake in ``group`` the rules model itself knows (empty when the group compiles). ``runbook_path(alert)``
    is where the alert's runbook must be. Rules shared with the linter (severity, durations, duplicate alert
    names) are checked on the rendered rules by the gates (generator.lint.gates), not here."""
    out: list[Problem] = []
    gpath = f"group {group.name}"
    if not isinstance(group.rules, list) or not group.rules:
        return [_problem("rules/empty-group", f"group {group.name!r} has no rules", group.declared_at, module, gpath)]
    seen: dict[str, Location | None] = {}
    for rule in group.rules:
        if not isinstance(rule, (Alert, Recording)):
            out.append(_problem("rules/not-a-rule", f"group {group.name!r} holds {type(rule).__name__}, not an Alert "
                                "or Recording", group.declared_at, module, gpath))
            continue
        kind, name = ("alert", rule.name) if isinstance(rule, Alert) else ("record", rule.record)

        def add(check: str, message: str, at=rule.declared_at, what=f"{kind} {name}") -> None:
            out.append(_problem(check, message, at, module, gpath, what))

        try:
            promql_parser.parse(rule.expr)
        except ValueError as e:
            add("rules/invalid-expression", f"expression does not parse: {e}")
        for label in rule.labels:
            if not LABEL_NAME.match(label):
                add("rules/invalid-label-name", f"label name {label!r} is not valid")
        if isinstance(rule, Recording):
            if not METRIC_NAME.match(rule.record) or ":" not in rule.record:
                add("rules/record-name", f"record {rule.record!r} should be a metric name of the form "
                    "level:metric:operations")
            if rule.record in seen:
                add("rules/duplicate-record", f"record {rule.record!r} is already declared at {seen[rule.record]}")
            seen[rule.record] = rule.declared_at
            continue
        if not ALERT_NAME.match(rule.name):
            add("rules/alert-name", f"alert name {rule.name!r} should be CamelCase letters and digits")
        if "severity" in rule.labels:
            add("rules/severity-label", "pass severity= rather than a `severity` label")
        for key in ("summary", "description"):
            if not isinstance(getattr(rule, key), str) or not getattr(rule, key).strip():
                add("rules/empty-text", f"`{key}` is empty")
        for key in ("summary", "description", "runbook_url", "dashboard_url"):
            if key in rule.annotations:
                add("rules/reserved-annotation", f"`{key}` is set by the compiler; remove it from annotations")
        if rule.dashboard not in dashboard_uids:
            known = ", ".join(sorted(dashboard_uids)) or "none"
            add("rules/unknown-dashboard", f"dashboard {rule.dashboard!r} is not a generated dashboard uid "
                f"(known: {known})")
        runbook = runbook_path(rule.runbook_name)
        if not os.path.isfile(runbook):
            add("rules/missing-runbook", f"no runbook; write {runbook} (what to check first)")
    return out
