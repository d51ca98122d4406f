"""Where an object was declared: the file and line a user should open to fix it, and the source map that
records it for every compiled object."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

_ENGINE_DIR = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def relative_to(self, root: str) -> Location:
        try:
            rel = os.path.relpath(self.file, root)
        except ValueError:  # another drive on Windows
            return self
        return Location(self.file if rel.startswith("..") else rel, self.line)


def caller_location() -> Location | None:
    """The innermost frame outside the engine (and outside grafanalib and attrs): the user's declaration."""
    frame = sys._getframe(1)
    while frame is not None:
        raw = frame.f_code.co_filename
        filename = os.path.abspath(raw)
        if not raw.startswith("<") and not filename.startswith(_ENGINE_DIR) and "site-packages" not in filename:
            return Location(filename, frame.f_lineno)
        frame = frame.f_back
    return None


@dataclass(frozen=True)
class Declaration:
    """What the source map records for one compiled object: where its Python declaration is, and the lint
    checks it suppresses (check name -> reason)."""

    location: Location | None
    suppress: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, location: Location | None, suppress: dict | None = None) -> Declaration:
        return cls(location, tuple((suppress or {}).items()))


# The source map of one generated file: JSON pointer of each compiled object (dashboard "", panel
# "/panels/3", target "/panels/3/targets/0", rule "/groups/0/rules/2") -> its Declaration.
SourceMap = dict[str, Declaration]
