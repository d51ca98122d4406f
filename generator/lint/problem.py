"""The linter's view of problems: :mod:`generator.problems` (shared with the build) plus the scopes that carry
suppressions and the hits checks yield."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..problems import SEVERITIES, Place, Problem, severity_rank

__all__ = ["SEVERITIES", "Hit", "Place", "Problem", "Scope", "severity_rank"]


@dataclass
class Scope:
    """An object that can carry suppressions (dashboard, panel, target, rule), and the scope around it."""

    place: Place
    suppress: dict = field(default_factory=dict)  # check name -> reason
    parent: Scope | None = None
    used: set = field(default_factory=set)

    def find(self, check: str) -> Scope | None:
        scope = self
        while scope is not None:
            if check in scope.suppress:
                return scope
            scope = scope.parent
        return None


@dataclass(frozen=True)
class Hit:
    """What a check yields when the problem is not at the entry itself or needs another severity."""

    message: str
    at: object = None  # an entry (with .place and .scope) other than the one checked
    severity: str | None = None
