"""What content leaves out on purpose, and why: a panel or an alert whose signal the metric naming does not have.

A dashboard row may hold :func:`left_out` markers among its panels (``P.left_out``); the row drops them and the
dashboard keeps them (``dashboard.left_out``). A rules module may list its own as ``left_out = [(what, why)]``.
The build collects both and ``build`` prints them, so that a naming's missing panels are said, not silent.
"""

from __future__ import annotations

from dataclasses import dataclass

from .source import Location, caller_location


@dataclass(frozen=True)
class LeftOut:
    title: str
    reason: str
    declared_at: Location | None = None


def left_out(title: str, reason: str) -> LeftOut:
    """A panel titled ``title`` that is not built, for ``reason`` (said by the build)."""
    return LeftOut(title, reason, caller_location())
