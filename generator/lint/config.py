"""A repository's lint settings, ``[tool.generator.lint]`` in its ``pyproject.toml``, and the baseline file.

::

    [tool.generator.lint]
    disable = ["dashboard/panel-without-description"]        # checks not run at all
    severity = { "alert/missing-for" = "error" }            # a check's problems at another severity
    ignore = ["vendor/**", "dashboards/legacy-*.json"]       # files not linted (globs, from the repository root)

A baseline (``lint --baseline FILE``) records the problems of today so that a repository can adopt the linter and
fail only on new ones. A problem is identified by its check, file, object path and message, never by its line, so
that edits above it do not make it "new".
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field, replace

from ..errors import GeneratorError
from .problem import SEVERITIES, Problem

KEYS = ("disable", "severity", "ignore")


@dataclass(frozen=True)
class LintConfig:
    disable: frozenset = frozenset()
    severity: dict = field(default_factory=dict)
    ignore: tuple = ()
    root: str = ""

    @classmethod
    def from_settings(cls, settings, known_checks: set[str], root: str = "", where: str = "pyproject.toml"):
        """Read ``[tool.generator.lint]`` (a dict or (key, value) pairs); raise GeneratorError naming every
        mistake (an unknown key or check, a severity that does not exist)."""
        table = dict(settings or ())
        errors = [f"unknown key `{k}` (known: {', '.join(KEYS)})" for k in table if k not in KEYS]
        disable = table.get("disable", [])
        if not isinstance(disable, list) or not all(isinstance(c, str) for c in disable):
            errors.append("`disable` must be a list of check names")
            disable = []
        severity = table.get("severity", {})
        if not isinstance(severity, dict):
            errors.append("`severity` must be a table of check = severity")
            severity = {}
        ignore = table.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(g, str) for g in ignore):
            errors.append("`ignore` must be a list of path globs")
            ignore = []
        for check in list(disable) + list(severity):
            if check not in known_checks:
                errors.append(f"unknown check `{check}`; `python -m generator lint --list-checks` lists them")
        for check, value in severity.items():
            if value not in SEVERITIES:
                errors.append(f"severity of `{check}` is {value!r}; use one of {', '.join(SEVERITIES)}")
        if errors:
            raise GeneratorError(f"{where} [tool.generator.lint]: " + "; ".join(errors))
        return cls(frozenset(disable), dict(severity), tuple(ignore), root)

    def checks(self, checks):
        return [c for c in checks if c.NAME not in self.disable]

    def ignored(self, path: str) -> bool:
        rel = os.path.relpath(os.path.abspath(path), self.root) if self.root else path
        return any(fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(path, glob) for glob in self.ignore)

    def apply(self, problems: list[Problem]) -> list[Problem]:
        """Problems of disabled checks and ignored files dropped, severities changed as configured."""
        if not (self.disable or self.severity or self.ignore):
            return problems
        out = []
        for p in problems:
            if p.check in self.disable or self.ignored(p.place.file):
                continue
            out.append(replace(p, severity=self.severity[p.check]) if p.check in self.severity else p)
        return out


def _key(problem: Problem) -> str:
    return "\x1f".join((problem.check, problem.place.file, problem.place.where, problem.message))


def write_baseline(path: str, problems: list[Problem]) -> None:
    entries = sorted({_key(p): {"check": p.check, "file": p.place.file, "where": p.place.where,
                                "message": p.message} for p in problems}.items())
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "problems": [e for _, e in entries]}, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)


def read_baseline(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return {"\x1f".join((e["check"], e["file"], e["where"], e["message"])) for e in data["problems"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise GeneratorError(f"{path}: not a lint baseline ({e}); delete it to write a new one") from e


def new_since(baseline: set[str], problems: list[Problem]) -> list[Problem]:
    """The problems not recorded in the baseline (each recorded one forgives as many problems as it matches)."""
    return [p for p in problems if _key(p) not in baseline]
