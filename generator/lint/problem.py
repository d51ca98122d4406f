"""A problem is data: which check found it, how bad it is, what to do, and exactly where."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..source import Location

SEVERITIES = ("info", "warning", "error")  # in increasing order


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Place:
    """Where inside an input: the file, the line when known, the object path, and the Python declaration."""

    file: str
    line: int | None = None
    path: tuple[str, ...] = ()  # ("dashboard home", 'panel "Request rate"', "target A")
    source: Location | None = None
    order: tuple[int, ...] = ()  # position of the object in its file, for sorting when lines are unknown

    def child(self, part: str, *, line: int | None = None, source: Location | None = None,
              order: int = 0) -> "Place":
        return Place(self.file, line if line is not None else self.line, self.path + (part,),
                     source or self.source, self.order + (order,))

    @property
    def where(self) -> str:
        return " › ".join(self.path)


@dataclass
class Scope:
    """An object that can carry suppressions (dashboard, panel, target, rule), and the scope around it."""

    place: Place
    suppress: dict = field(default_factory=dict)  # check name -> reason
    parent: "Scope | None" = None
    used: set = field(default_factory=set)

    def find(self, check: str) -> "Scope | None":
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


@dataclass(frozen=True)
class Problem:
    check: str
    severity: str
    message: str
    place: Place
    suppressed_by: str | None = None  # the reason, when suppressed

    def sort_key(self):
        p = self.place
        return (p.file, p.order, p.line or 0, p.path, self.check, self.message)

    def to_dict(self) -> dict:
        p = self.place
        return {
            "check": self.check,
            "severity": self.severity,
            "file": p.file,
            "line": p.line,
            "where": p.where,
            "message": self.message,
            "source_file": p.source.file if p.source else None,
            "source_line": p.source.line if p.source else None,
        }
