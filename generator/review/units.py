"""Grafana's units and colours, as far as a picture needs them: a value formatted with its unit, a threshold colour."""

from __future__ import annotations

import math

from matplotlib import colors as mcolors

# Grafana's named colours (its classic palette), by name and with the shade prefixes it accepts.
_GRAFANA = {"green": "#73BF69", "red": "#F2495C", "yellow": "#FADE2A", "orange": "#FF9830", "blue": "#5794F2",
            "purple": "#B877D9", "text": "#CCCCDC", "transparent": "#00000000", "white": "#FFFFFF",
            "gray": "#8E8E8E", "grey": "#8E8E8E"}
PALETTE = ["#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#5794F2", "#B877D9", "#705DA0", "#37872D",
           "#FADE2A", "#447EBC", "#C15C17", "#890F02", "#0A437C", "#6D1F62", "#584477"]
_SI = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
_BYTES = ["B", "KiB", "MiB", "GiB", "TiB"]


def color(name) -> str:
    """A matplotlib colour for a Grafana colour name (``dark-red``, ``semi-dark-green``, ``#aabbcc``, ``rgba()``)."""
    if not isinstance(name, str) or not name:
        return _GRAFANA["green"]
    base = name.lower()
    for prefix in ("super-light-", "light-", "semi-dark-", "dark-"):
        if base.startswith(prefix):
            base = base[len(prefix):]
    if base in _GRAFANA:
        return _GRAFANA[base]
    if base.startswith("rgb"):
        parts = [p.strip() for p in base[base.index("(") + 1: base.rindex(")")].split(",")]
        try:
            rgb = [int(float(p)) for p in parts[:3]]
            return "#" + "".join(f"{c:02x}" for c in rgb)
        except ValueError:
            return _GRAFANA["gray"]
    return name if mcolors.is_color_like(name) else _GRAFANA["gray"]


def steps(panel: dict) -> list[tuple[float, str]]:
    """The panel's threshold steps as (from value, colour), the base step from -inf."""
    thresholds = ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("thresholds") or {}
    out = []
    for step in thresholds.get("steps") or []:
        if isinstance(step, dict):
            value = step.get("value")
            out.append((-math.inf if value is None else float(value), color(step.get("color"))))
    return sorted(out, key=lambda s: s[0])


def threshold_color(panel: dict, value: float | None, default: str = _GRAFANA["green"]) -> str:
    found = default
    if value is None or value != value:
        return _GRAFANA["gray"]
    for start, c in steps(panel):
        if value >= start:
            found = c
    return found


def unit_of(panel: dict) -> str:
    return str(((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit") or "short")


def _si(value: float, decimals: int | None) -> str:
    for size, suffix in _SI:
        if abs(value) >= size:
            return f"{value / size:.{1 if decimals is None else decimals}f}{suffix}"
    return _plain(value, decimals)


def _plain(value: float, decimals: int | None) -> str:
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if value == 0 or abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def _duration(value: float, decimals: int | None) -> str:
    for size, suffix in ((86400, " day"), (3600, " hour"), (60, " min"), (1, " s")):
        if abs(value) >= size:
            return _plain(value / size, decimals) + suffix
    if abs(value) >= 1e-3 or value == 0:
        return _plain(value * 1e3, decimals) + " ms"
    return _plain(value * 1e6, decimals) + " µs"


def fmt(value: float | None, unit: str, decimals: int | None = None) -> str:
    """``value`` as Grafana shows it with ``unit`` (the common units; others get the unit's name as a suffix)."""
    if value is None or value != value:
        return "No data"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if unit == "percentunit":
        return _plain(value * 100, decimals) + "%"
    if unit == "percent":
        return _plain(value, decimals) + "%"
    if unit == "s":
        return _duration(value, decimals)
    if unit == "ms":
        return _duration(value / 1e3, decimals)
    if unit in ("bytes", "decbytes"):
        i = 0
        while abs(value) >= 1024 and i < len(_BYTES) - 1:
            value, i = value / 1024, i + 1
        return _plain(value, decimals) + " " + _BYTES[i]
    if unit.startswith("currency"):
        symbol = {"currencyUSD": "$", "currencyEUR": "€", "currencyGBP": "£"}.get(unit, "")
        places = decimals if decimals is not None else (None if abs(value) < 1 else 2 if abs(value) < 1e3 else 1)
        return ("-" if value < 0 else "") + symbol + _si(abs(value), places)
    if unit in ("reqps", "rps"):
        return _si(value, decimals) + " req/s"
    if unit == "ops":
        return _si(value, decimals) + " ops/s"
    if unit in ("short", "none", ""):
        return _si(value, decimals) if unit == "short" else _plain(value, decimals)
    return _si(value, decimals) + f" {unit}"
