"""A value formatted with its unit as Grafana formats it (packages/grafana-data/src/valueFormats/: ``valueFormats.ts``
``toFixed``, ``getDecimalsForValue``, ``scaledUnits``, ``toFixedUnit``; ``categories.ts`` for the unit ids;
``symbolFormatters.ts`` ``currency``, ``binaryPrefix``, ``SIPrefix``; ``dateTimeFormatters.ts`` ``toSeconds``,
``toMilliSeconds``; ``arithmeticFormatters.ts`` ``toPercent``, ``toPercentUnit``), then, as
``field/displayProcessor.ts`` does when the panel sets no ``decimals``, with trailing zeros dropped (``+v.text``).

A unit id Grafana does not know is a suffix after a space (``x`` gives ``1.5 x``), as ``getValueFormat`` makes it;
``prefix:``, ``suffix:``, ``currency:`` and ``count:`` ids work as there.
"""

from __future__ import annotations

import math

_SHORT = ["", " K", " Mil", " Bil", " Tri", " Quadr", " Quint", " Sext", " Sept"]
_COUNT = ["", "K", "M", "B", "T"]
_SI = ["f", "p", "n", "µ", "m", "c", "d", "", "da", "h", "k", "M", "G", "T", "P", "E", "Z", "Y"]
_BIN = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]
_CURRENCY = {"currencyUSD": "$", "currencyGBP": "£", "currencyEUR": "€", "currencyJPY": "¥", "currencyRUB": "₽",
             "currencyUAH": "₴", "currencyBRL": "R$", "currencyDKK": "kr", "currencyISK": "kr", "currencyNOK": "kr",
             "currencySEK": "kr", "currencyCZK": "czk", "currencyCHF": "CHF", "currencyPLN": "PLN",
             "currencyBTC": "฿", "currencyZAR": "R", "currencyINR": "₹", "currencyKRW": "₩", "currencyIDR": "Rp",
             "currencyPHP": "PHP", "currencyVND": "đ"}
_COUNTS = {"reqps": "req/s", "ops": "ops/s", "rps": "rd/s", "wps": "wr/s", "iops": "io/s", "cps": "c/s",
           "opm": "ops/min", "reqpm": "req/min", "rpm": "rd/min", "wpm": "wr/min", "cpm": "c/min"}


def _decimals_for(value: float) -> int:
    """``getDecimalsForValue``."""
    log10 = math.floor(math.log10(abs(value)))
    dec = -log10 + 1
    norm = value / 10 ** -dec
    if norm > 2.25:
        dec += 1
    if value % 1 == 0:
        dec = 0
    return max(0, dec)


def _js_round(x: float) -> float:
    return math.floor(x + 0.5)  # Math.round: halves go up


def _js_str(x: float) -> str:
    """``String(number)`` for the numbers toFixed makes (no exponent below 1e21 but for tiny ones)."""
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    text = repr(x)
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}e{'+' if int(exp) > 0 else '-'}{abs(int(exp))}"
    return text


def to_fixed(value: float, decimals: int | None = None) -> str:
    """``toFixed``: ``decimals`` places (chosen from the value when None), rounding half up."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if decimals is None:
        decimals = _decimals_for(value) if value != 0 else 0
    decimals = int(decimals)
    if value == 0:
        return f"{0:.{max(decimals, 0)}f}"
    factor = 10 ** max(0, decimals) if decimals else 1
    formatted = _js_str(_js_round(value * factor) / factor)
    if "e" in formatted:
        return formatted
    precision = len(formatted) - formatted.index(".") - 1 if "." in formatted else 0
    if precision < decimals:
        return (formatted if precision else formatted + ".") + str(factor)[1:decimals - precision + 1]
    return formatted


def _scaled(value: float, decimals, factor: float, ext: list[str], offset: int = 0) -> tuple[str, str, str]:
    """``scaledUnits(factor, ext, offset)``: (prefix, text, suffix)."""
    if math.isinf(value) or math.isnan(value):
        return "", to_fixed(value) if not math.isnan(value) else "NaN", ""
    index = math.floor(math.log10(abs(value)) / math.log10(factor)) if value != 0 else 0
    suffix = ext[min(max(offset + index, 0), len(ext) - 1)]
    power = min(max(index, -offset), len(ext) - offset - 1)
    return "", to_fixed(value / factor ** power, decimals), suffix


def _seconds(value: float, decimals) -> tuple[str, str, str]:
    if value == 0:
        return "", "0", " s"
    size = abs(value)
    for bound, scale, suffix in ((1e-6, 1e9, " ns"), (1e-3, 1e6, " µs"), (1, 1e3, " ms"), (60, 1, " s"),
                                 (3600, 1 / 60, " min"), (86400, 1 / 3600, " hour"), (604800, 1 / 86400, " day"),
                                 (31536000, 1 / 604800, " week")):
        if size < bound:
            return "", to_fixed(value * scale, decimals), suffix
    return "", to_fixed(value / 3.15569e7, decimals), " year"


def _parts(value: float, unit: str, decimals) -> tuple[str, str, str]:
    if unit in ("", "none"):
        return "", to_fixed(value, decimals), ""
    if unit == "short":
        return _scaled(value, decimals, 1000, _SHORT)
    if unit == "percent":
        return "", to_fixed(value, decimals), "%"
    if unit == "percentunit":
        return "", to_fixed(100 * value, decimals), "%"
    if unit == "s":
        return _seconds(value, decimals)
    if unit == "ms":
        return _seconds(value / 1000, decimals) if abs(value) >= 1000 else ("", to_fixed(value, decimals), " ms")
    if unit in ("bytes", "bits"):
        return _scaled(value, decimals, 1024, [" " + p + ("B" if unit == "bytes" else "b") for p in _BIN])
    if unit in ("decbytes", "decbits"):
        symbol = "B" if unit == "decbytes" else "b"
        return _scaled(value, decimals, 1000, [" " + p + symbol for p in _SI], _SI.index(""))
    if unit in _COUNTS or unit.startswith("count:"):
        symbol = _COUNTS.get(unit) or unit[len("count:"):]
        prefix, text, suffix = _scaled(value, decimals, 1000, _COUNT)
        return prefix, text, suffix + " " + symbol
    if unit in _CURRENCY or unit.startswith("currency:"):
        symbol = _CURRENCY.get(unit) or unit[len("currency:"):]
        _, text, suffix = _scaled(abs(value), decimals, 1000, _COUNT)
        return ("-" if value < 0 else "") + symbol, text, suffix
    if unit.startswith("prefix:"):
        return unit[len("prefix:"):], to_fixed(value, decimals), ""
    if unit.startswith("suffix:"):
        return "", to_fixed(value, decimals), unit[len("suffix:"):]
    return "", to_fixed(value, decimals), " " + unit  # toFixedUnit(id)


def format_value(value: float | None, unit: str = "none", decimals: int | None = None) -> str:
    """``value`` with ``unit`` as a panel shows it (prefix, number, suffix); "No data" for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "No data"
    prefix, text, suffix = _parts(float(value), unit or "none", decimals)
    if decimals is None:  # displayProcessor: `v.text = +v.text + ''` when no decimals are configured
        try:
            number = float(text)
            if not math.isinf(number):
                text = _js_str(number)
        except ValueError:
            pass
    return f"{prefix}{text}{suffix}"


def fmt(value: float | None, unit: str, decimals: int | None = None) -> str:
    """An axis tick or a value: :func:`format_value`."""
    return format_value(value, unit, decimals)


def unit_of(panel: dict) -> str:
    return str(((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit") or "none")
