"""Where an object was declared: the file and line a user should open to fix it."""

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

    def relative_to(self, root: str) -> "Location":
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


def declared_at(obj: object) -> Location | None:
    """The location recorded on ``obj`` by :func:`remember_location`, if any."""
    return getattr(obj, "_declared_at", None)


def remember_location(obj, location: Location | None = None):
    """Record on ``obj`` where the user declared it, and return ``obj``."""
    try:
        object.__setattr__(obj, "_declared_at", location or caller_location())
    except (AttributeError, TypeError):  # objects with __slots__ cannot carry it; the location is a nicety
        pass
    return obj
