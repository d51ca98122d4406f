"""Run every registered check over the entries, apply suppressions, and report what is left.

Suppression is per object (a dashboard, panel, target or rule names the check and gives a reason). Besides the
checks' problems the runner reports, under ``lint/*``, suppressions that name an unknown check
(``lint/unknown-check``), give no reason (``lint/suppression-without-reason``) or suppress nothing
(``lint/unused-suppression``), and a check that crashed on an input (``lint/internal-error``, a bug to report).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from .problem import Hit, Problem, Scope, severity_rank
from .registry import CHECKS, check_names

META_CHECKS = {
    "lint/unknown-check": "error",
    "lint/suppression-without-reason": "error",
    "lint/unused-suppression": "warning",
    "lint/internal-error": "error",
}


@dataclass
class Entries:
    """Everything to lint, by the kind of entry checks declare (``ENTRY`` of a check module)."""

    by_kind: dict[str, list] = field(default_factory=lambda: {k: [] for k in
                                                              ("query", "panel", "dashboard", "rule", "ruleset",
                                                               "catalog")})

    def add(self, kind: str, *entries) -> None:
        self.by_kind[kind].extend(entries)


@dataclass
class Report:
    problems: list[Problem]
    suppressed: list[Problem]

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _scopes(entries: Entries) -> list[Scope]:
    seen: dict[int, Scope] = {}
    for items in entries.by_kind.values():
        for entry in items:
            scope = getattr(entry, "scope", None)
            while scope is not None and id(scope) not in seen:
                seen[id(scope)] = scope
                scope = scope.parent
    return list(seen.values())


def run(entries: Entries, ctx, checks=CHECKS) -> Report:
    problems: list[Problem] = []
    suppressed: list[Problem] = []
    for module in checks:
        for entry in entries.by_kind[module.ENTRY]:
            try:
                hits = list(module.check(entry, ctx))
            except Exception as e:  # a bug in a check must not hide every other problem
                where = traceback.extract_tb(e.__traceback__)[-1]
                hits = []
                problems.append(Problem("lint/internal-error", "error",
                                        f"check {module.NAME} failed: {type(e).__name__}: {e} "
                                        f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno}); please report it",
                                        entry.place))
            for hit in hits:
                if isinstance(hit, str):
                    hit = Hit(hit)
                at = hit.at if hit.at is not None else entry
                problem = Problem(module.NAME, hit.severity or module.SEVERITY, hit.message, at.place)
                scope = at.scope.find(module.NAME) if getattr(at, "scope", None) is not None else None
                if scope is not None:
                    scope.used.add(module.NAME)
                    suppressed.append(Problem(problem.check, problem.severity, problem.message, problem.place,
                                              scope.suppress[module.NAME] or "(no reason given)"))
                else:
                    problems.append(problem)
    problems += _suppression_problems(entries)
    problems.sort(key=Problem.sort_key)
    suppressed.sort(key=Problem.sort_key)
    return Report(_dedupe(problems), suppressed)


def _suppression_problems(entries: Entries) -> list[Problem]:
    known = check_names()
    out = []
    for scope in _scopes(entries):
        for name, reason in scope.suppress.items():
            if name not in known:
                out.append(Problem("lint/unknown-check", "error",
                                   f"suppression names {name!r}, which is not a check; "
                                   "`python -m generator lint --list-checks` lists them", scope.place))
                continue
            if not isinstance(reason, str) or not reason.strip():
                out.append(Problem("lint/suppression-without-reason", "error",
                                   f"suppression of {name} gives no reason; say why the check does not apply here",
                                   scope.place))
            if name not in scope.used:
                out.append(Problem("lint/unused-suppression", "warning",
                                   f"suppression of {name} suppresses nothing here; remove it", scope.place))
    return out


def _dedupe(problems: list[Problem]) -> list[Problem]:
    out, seen = [], set()
    for p in problems:
        key = (p.check, p.message, p.place.file, p.place.line, p.place.path)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def worst(problems: list[Problem]) -> str | None:
    return max((p.severity for p in problems), key=severity_rank, default=None)
