"""Run every registered check over the entries, apply suppressions, and report what is left.

Suppression is per object (a dashboard, panel, target or rule names the check and gives a reason). Besides the
checks' problems the runner reports, under ``lint/*``, suppressions that name an unknown check
(``lint/unknown-check``), give no reason (``lint/suppression-without-reason``) or suppress nothing
(``lint/unused-suppression``), a check that crashed on an input (``lint/internal-error``, a bug to report),
and a file that could not be read at all (``lint/unreadable-file``: missing, not JSON or YAML, neither a
dashboard nor a rule file).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from . import forked
from .problem import Hit, Problem, Scope, severity_rank
from .registry import CHECKS, check_names

META_CHECKS = {
    "lint/unknown-check": "error",
    "lint/suppression-without-reason": "error",
    "lint/unused-suppression": "warning",
    "lint/internal-error": "error",
    "lint/unreadable-file": "error",
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
    if forked.worth_it(len(entries.by_kind["query"]), PARALLEL_MIN_QUERIES):
        problems, suppressed = _check_in_two_processes(entries, ctx, list(checks))
    else:
        problems, suppressed = check_entries(entries, ctx, checks)
    problems += _suppression_problems(entries, {c.NAME for c in checks})
    problems.sort(key=Problem.sort_key)
    suppressed.sort(key=Problem.sort_key)
    return Report(_dedupe(problems), suppressed)


def check_entries(entries: Entries, ctx, checks) -> tuple[list[Problem], list[Problem]]:
    """Run ``checks`` over their entries; mark the suppressions used on the scopes."""
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
    return problems, suppressed


# Big inputs (thousands of rules) are checked by two processes (see forked.py): the child runs every check over
# every other query, rule and panel, this process over the rest and over the whole-file entries. Since queries
# are parsed on first use each process parses only its own half. Below this many queries the fork costs more
# than it saves.
PARALLEL_MIN_QUERIES = 1500
SPLIT_KINDS = ("query", "rule", "panel")


def _halves(entries: Entries) -> tuple[Entries, Entries]:
    mine, theirs = Entries(), Entries()
    for kind, items in entries.by_kind.items():
        if kind in SPLIT_KINDS:
            mine.by_kind[kind], theirs.by_kind[kind] = items[0::2], items[1::2]
        else:
            mine.by_kind[kind] = items
    return mine, theirs


def _check_in_two_processes(entries: Entries, ctx, checks) -> tuple[list[Problem], list[Problem]]:
    """Check half of the entries in a forked child; it sends back its problems and the suppressions it used."""
    mine, theirs = _halves(entries)
    scopes = _scopes(entries)  # same order in both processes: they share the objects as they were at the fork

    def their_half():
        problems, suppressed = check_entries(theirs, ctx, checks)
        return problems, suppressed, [(i, name) for i, scope in enumerate(scopes) for name in scope.used]

    (problems, suppressed), (their_problems, their_suppressed, used) = forked.in_two(
        lambda: check_entries(mine, ctx, checks), their_half)
    for index, name in used:
        scopes[index].used.add(name)
    return problems + their_problems, suppressed + their_suppressed


def _suppression_problems(entries: Entries, ran: set[str]) -> list[Problem]:
    """Suppressions naming no check or giving no reason, and those of a check that ran and found nothing there
    (a check turned off for the repository, or by --no-catalog, suppresses nothing and is not reported)."""
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
            if name not in scope.used and name in ran:
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
