"""The lint checks a build runs too (``registry.GATES``): one definition of each semantic rule.

The build renders rules and hands them to the gate checks, refusing any problem a gate reports that no
suppression covers; the catalog's gates are the catalog's own (:mod:`generator.catalog.gates`, run by its loader
and by the check of the same name). ``python -m generator lint`` runs the same checks at their own severity, so a
missing severity label, a duplicate alert name, an invalid duration or a counter without ``_total`` is found by
the same code, with the same check name, whether you build or lint.
"""

from __future__ import annotations

import dataclasses

from ..problems import Problem
from .collect import collect_rules, rule_set
from .context import Context
from .documents import Document
from .registry import GATES
from .runner import Entries, check_entries
from .sourcemap import apply_source_map, rule_scopes


def gate_problems(entries: Entries, ctx: Context) -> list[Problem]:
    """The unsuppressed problems of every gate over ``entries``, at severity error (a gate fails the build)."""
    gates = [g for g in GATES if entries.by_kind[g.ENTRY]]
    problems, _suppressed = check_entries(entries, ctx, gates)
    return [dataclasses.replace(p, severity="error") for p in sorted(problems, key=Problem.sort_key)]


def rule_gate_problems(rule_files, catalog) -> list[Problem]:
    """Gate problems of rendered rule files: ``rule_files`` is [(path, data, source map)]; each rule gets its
    Python declaration and suppressions from the source map."""
    entries = Entries()
    all_rules, issues = [], []
    for order, (path, data, sources) in enumerate(rule_files):
        rules, found = collect_rules(Document(path, data, "rules"), order)
        apply_source_map(rule_scopes(rules), sources)
        all_rules += rules
        issues += found
    entries.add("rule", *all_rules)
    entries.add("ruleset", rule_set(all_rules, rule_files[0][0] if rule_files else "", issues))
    return gate_problems(entries, Context(catalog))
