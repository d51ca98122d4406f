"""Alerting and recording rules as Python objects, compiled to a Prometheus rule file.

A rules module under ``rules/`` defines ``groups = [RuleGroup(...), ...]``. The objects only hold what the
author wrote; the compiler adds ``runbook_url`` and ``dashboard_url`` in one pass and validates everything,
naming the file and line of the declaration when something is wrong.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import promql_parser

from ..errors import BuildError
from ..source import Location, caller_location

SEVERITIES = ("critical", "warning", "info")
ALERT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass
class Alert:
    """An alerting rule. ``for_`` is the pending duration; ``dashboard`` the uid where an operator starts."""

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
    declared_at: Location | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.expr = _dedent(self.expr)
        self.declared_at = self.declared_at or caller_location()


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
    name: str
    rules: list[Alert | Recording]
    interval: str | None = None
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


def _duration(value: str, what: str, where: str, errors: list[str]) -> None:
    try:
        promql_parser.parse_duration(str(value))
    except ValueError:
        errors.append(f"{where}: {what} {value!r} is not a duration like 30s, 5m or 1h")


def validate_group(group: RuleGroup, *, dashboard_uids: set[str], runbook_path) -> list[str]:
    """Every mistake in ``group`` as ``file:line: message`` lines (empty when the group compiles).

    ``runbook_path(alert)`` is where the alert's runbook must be."""
    errors: list[str] = []
    gwhere = str(group.declared_at or f"group {group.name}")
    if not isinstance(group.rules, list) or not group.rules:
        errors.append(f"{gwhere}: group {group.name!r} has no rules")
        return errors
    if group.interval is not None:
        _duration(group.interval, "interval", gwhere, errors)
    seen: dict[str, Location | None] = {}
    for rule in group.rules:
        if not isinstance(rule, (Alert, Recording)):
            errors.append(f"{gwhere}: group {group.name!r} holds {type(rule).__name__}, not an Alert or Recording")
            continue
        where = str(rule.declared_at or group.name)
        name = rule.name if isinstance(rule, Alert) else rule.record
        try:
            promql_parser.parse(rule.expr)
        except ValueError as e:
            errors.append(f"{where}: {name}: expression does not parse: {e}")
        for label in rule.labels:
            if not LABEL_NAME.match(label):
                errors.append(f"{where}: {name}: label name {label!r} is not valid")
        if isinstance(rule, Recording):
            if not METRIC_NAME.match(rule.record) or ":" not in rule.record:
                errors.append(f"{where}: record {rule.record!r} should be a metric name of the form level:metric:operations")
            if rule.record in seen:
                errors.append(f"{where}: record {rule.record!r} is already declared at {seen[rule.record]}")
            seen[rule.record] = rule.declared_at
            continue
        if not ALERT_NAME.match(rule.name):
            errors.append(f"{where}: alert name {rule.name!r} should be CamelCase letters and digits")
        if ("alert", rule.name) in seen:
            errors.append(f"{where}: alert {rule.name!r} is already declared at {seen[('alert', rule.name)]}")
        seen[("alert", rule.name)] = rule.declared_at
        _duration(rule.for_, "`for`", f"{where}: {rule.name}", errors)
        if rule.keep_firing_for is not None:
            _duration(rule.keep_firing_for, "keep_firing_for", f"{where}: {rule.name}", errors)
        if rule.severity not in SEVERITIES:
            errors.append(f"{where}: {rule.name}: severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
        if "severity" in rule.labels:
            errors.append(f"{where}: {rule.name}: pass severity= rather than a `severity` label")
        for key in ("summary", "description"):
            if not str(getattr(rule, key) or "").strip():
                errors.append(f"{where}: {rule.name}: `{key}` is empty")
        for key in ("summary", "description", "runbook_url", "dashboard_url"):
            if key in rule.annotations:
                errors.append(f"{where}: {rule.name}: `{key}` is set by the compiler; remove it from annotations")
        if rule.dashboard not in dashboard_uids:
            known = ", ".join(sorted(dashboard_uids)) or "none"
            errors.append(f"{where}: {rule.name}: dashboard {rule.dashboard!r} is not a generated dashboard uid (known: {known})")
        runbook = runbook_path(rule.name)
        if not os.path.isfile(runbook):
            errors.append(f"{where}: {rule.name}: no runbook; write {runbook} (what to check first)")
    return errors
