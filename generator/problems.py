"""One model of a problem for every producer: the build, the rule model, the rule tests, coverage, the catalog
loader and the linter.

A :class:`Problem` is data: which check found it (``build/*``, ``rules/*``, ``ruletests/*``, ``coverage/*``,
``catalog/*`` or a lint check such as ``alert/missing-severity``), how bad it is, what to do, and exactly where
(:class:`Place`: the file, the line when known, the object path, the JSON pointer inside a generated file, and
the Python line that declared the object). :func:`format_problem` is the one way they are printed:
``file:line: severity [check] where: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from json.encoder import encode_basestring

from .source import Location

SEVERITIES = ("info", "warning", "error")  # in increasing order


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Place:
    """Where inside an input: the file, the line when known, the object path, the JSON pointer of the object in
    that file (``/panels/3/targets/0``), and the Python declaration."""

    file: str
    line: int | None = None
    path: tuple[str, ...] = ()  # ("dashboard home", 'panel "Request rate"', "target A")
    source: Location | None = None
    order: tuple[int, ...] = ()  # position of the object in its file, for sorting when lines are unknown
    pointer: str = ""  # RFC 6901 JSON pointer inside ``file`` ("" is the whole document)

    def child(self, part: str, *, line: int | None = None, source: Location | None = None,
              order: int = 0, pointer: str | None = None) -> Place:
        return Place(self.file, line if line is not None else self.line, self.path + (part,),
                     source or self.source, self.order + (order,), self.pointer if pointer is None else pointer)

    @property
    def where(self) -> str:
        return " › ".join(self.path)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def at_declaration(location: Location | None, fallback: str, *path: str) -> Place:
    """The place of a Python declaration (``fallback`` names the file when the line is unknown)."""
    if location is None:
        return Place(fallback, None, tuple(path))
    return Place(location.file, location.line, tuple(path))


def pointer_join(pointer: str, *parts) -> str:
    """``pointer`` extended by ``parts``, escaped as RFC 6901 says (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    for part in parts:
        pointer += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return pointer


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
            "pointer": p.pointer or None,
            "message": self.message,
            "source_file": p.source.file if p.source else None,
            "source_line": p.source.line if p.source else None,
        }

    def to_json(self) -> str:
        """``to_dict()`` as one line of JSON (non-ASCII kept), written directly: a lint reporting thousands of
        problems spends a tenth of its time here otherwise. Keep the two in step (a test compares them)."""
        p, text = self.place, encode_basestring
        src = p.source
        return (f'{{"check": {text(self.check)}, "severity": {text(self.severity)}, "file": {text(p.file)}, '
                f'"line": {_number(p.line)}, "where": {text(p.where)}, '
                f'"pointer": {text(p.pointer) if p.pointer else "null"}, "message": {text(self.message)}, '
                f'"source_file": {text(src.file) if src else "null"}, '
                f'"source_line": {_number(src.line) if src else "null"}}}')

    def relative_to(self, root: str) -> Problem:
        """The same problem with the project root cut from its file names."""
        prefix = root.rstrip("/") + "/"
        p = self.place
        file = p.file[len(prefix):] if p.file.startswith(prefix) else p.file
        source = p.source.relative_to(root) if p.source else None
        return replace(self, place=replace(p, file=file, source=source),
                       message=self.message.replace(prefix, ""))


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def format_problem(problem: Problem, *, declaration_first: bool = False) -> str:
    """``file:line: severity [check] where: message``, then where the object was declared in Python.

    With ``declaration_first`` (the build, whose generated files are not written yet) the Python declaration
    leads and the generated file and pointer follow."""
    p = problem.place
    where = f"{p.where}: " if p.where else ""
    if declaration_first and p.source:
        generated = f" (in {p.file}#{p.pointer})" if p.pointer else f" (in {p.file})"
        return f"{p.source}: {problem.severity} [{problem.check}] {where}{problem.message}{generated}"
    source = f" (declared at {p.source})" if p.source else ""
    return f"{p.location}: {problem.severity} [{problem.check}] {where}{problem.message}{source}"


def format_problems(problems, *, declaration_first: bool = False) -> str:
    return "\n".join(format_problem(p, declaration_first=declaration_first) for p in problems)


def error(check: str, message: str, place: Place) -> Problem:
    return Problem(check, "error", message, place)
