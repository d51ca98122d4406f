"""Prometheus duration strings (``90s``, ``1h30m``, ``250ms``) to and from :class:`datetime.timedelta`."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = (("y", 365 * 86400_000), ("w", 7 * 86400_000), ("d", 86400_000), ("h", 3600_000), ("m", 60_000),
          ("s", 1000), ("ms", 1))


# Prometheus' model.ParseDuration: units from the largest down, each at most once, whole numbers; "0" alone too.
_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")


def parse(text) -> timedelta:
    """``5m`` → 5 minutes, ``0`` and ``0s`` → zero (as in a rule's ``for``); raises ValueError on anything
    Prometheus would refuse (``5 m``, ``1.5h``, ``-1m``, ``30s5m``, an empty string)."""
    raw = str(text).strip()
    m = _DURATION.match(raw)
    if raw == "0":
        return timedelta(0)
    if not raw or m is None:
        raise ValueError(f"not a valid duration string: {raw!r}")
    ms = sum(int(v) * size for v, (_, size) in zip(m.groups(), _UNITS, strict=True) if v)
    return timedelta(milliseconds=ms)


def format(value: timedelta) -> str:
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
