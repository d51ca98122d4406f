"""Coverage of rules by their unit tests: every alert needs a scenario where it fires and one where it stays
silent, every recording rule a scenario that checks its value.

A rule without such a test can be wrong in any way promtool cannot see (a threshold that never fires, a guard
that always does). The problems name the rule's declaration, ``file:line``, and what to add.
"""

from __future__ import annotations

import re

from .scenarios import RuleTest


def coverage_problems(groups, tests: list[RuleTest] | None, module: str) -> list[str]:
    """One ``file:line: rule: what is missing`` line per gap; empty when every rule is covered."""
    tests = tests or []
    checks = [c for t in tests for c in t.checks]
    problems = []
    for group in groups:
        for alert in group.alerts:
            where = str(alert.declared_at or module)
            kinds = {c.kind for c in checks if c.kind != "samples" and c.name == alert.name}
            if "fires" not in kinds:
                problems.append(f"{where}: {alert.name}: no test where it fires; add a RuleTest with "
                                f"fires({alert.name!r}, ...) to `tests` in {module}")
            if "silent" not in kinds:
                problems.append(f"{where}: {alert.name}: no test where it stays silent; add a RuleTest with "
                                f"silent({alert.name!r}, ...) to `tests` in {module}")
        for recording in group.recordings:
            where = str(recording.declared_at or module)
            name = re.compile(rf"(?<![\w:]){re.escape(recording.record)}(?![\w:])")
            if not any(c.kind == "samples" and name.search(c.name) for c in checks):
                problems.append(f"{where}: {recording.record}: no test checks its value; add "
                                f"samples({recording.record!r}, at=..., expect={{...}}) to a RuleTest in {module}")
    return problems
