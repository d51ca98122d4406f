"""Coverage of rules by their unit tests: every alert needs a scenario where it fires and one where it stays
silent, every recording rule a scenario that checks its value.

A rule without such a test can be wrong in any way promtool cannot see (a threshold that never fires, a guard
that always does). The problems name the rule's declaration, ``file:line``, and what to add.
"""

from __future__ import annotations

import re

from ..problems import Problem, at_declaration
from .scenarios import RuleTest


def coverage_problems(groups, tests: list[RuleTest] | None, module: str) -> list[Problem]:
    """One problem per gap, placed at the rule's declaration; empty when every rule is covered. The messages name
    the module the scenarios are read from, ``<module>_tests.py`` beside the rule module."""
    tests = tests or []
    where = tests_module(module)
    checks = [c for t in tests for c in t.checks]
    problems = []
    for group in groups:
        for alert in group.alerts:
            place = at_declaration(alert.declared_at, module, f"alert {alert.name}")
            kinds = {c.kind for c in checks if c.kind != "samples" and c.name == alert.name}
            if "fires" not in kinds:
                problems.append(Problem("coverage/never-fires", "error", "no test where it fires; add a RuleTest "
                                        f"with fires({alert.name!r}, ...) to `tests` in {where}", place))
            if "silent" not in kinds:
                problems.append(Problem("coverage/never-silent", "error", "no test where it stays silent; add a "
                                        f"RuleTest with silent({alert.name!r}, ...) to `tests` in {where}", place))
        for recording in group.recordings:
            place = at_declaration(recording.declared_at, module, f"record {recording.record}")
            name = re.compile(rf"(?<![\w:]){re.escape(recording.record)}(?![\w:])")
            if not any(c.kind == "samples" and name.search(c.name) for c in checks):
                problems.append(Problem("coverage/value-unchecked", "error", "no test checks its value; add "
                                        f"samples({recording.record!r}, at=..., expect={{...}}) to a RuleTest in "
                                        f"{where}", place))
    return problems


def tests_module(module: str) -> str:
    """Where the scenarios of the rule module ``module`` are read: ``rules/x.py`` -> ``rules/x_tests.py``."""
    return module[:-len(".py")] + "_tests.py" if module.endswith(".py") else module
