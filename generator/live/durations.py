"""Prometheus duration strings (``90s``, ``1h30m``, ``250ms``) to and from :class:`datetime.timedelta`."""

from __future__ import annotations

from datetime import timedelta

import promql_parser

_UNITS = (("y", 365 * 86400_000), ("w", 7 * 86400_000), ("d", 86400_000), ("h", 3600_000), ("m", 60_000),
          ("s", 1000), ("ms", 1))


def parse(text: str) -> timedelta:
    """``5m`` → 5 minutes; raises ValueError on anything Prometheus would refuse."""
    return promql_parser.parse_duration(str(text).strip())


def format(value: timedelta) -> str:  # noqa: A001 - mirrors Prometheus' own name
    """The shortest Prometheus spelling, in whole milliseconds: 90 s → ``1m30s``, 0.25 s → ``250ms``."""
    ms = round(value.total_seconds() * 1000)
    if ms <= 0:
        raise ValueError(f"duration {value} is not positive")
    parts = []
    for unit, size in _UNITS:
        if unit in ("y", "w"):
            continue  # days read better than weeks or years in generated files
        if ms >= size:
            parts.append(f"{ms // size}{unit}")
            ms %= size
    return "".join(parts)


def seconds(text: str) -> float:
    return parse(text).total_seconds()


def format_seconds(value: float) -> str:
    return format(timedelta(seconds=value))
