"""How Prometheus spells a histogram's ``le`` and a summary's ``quantile``, by the path the series came in.

The value of these labels is a number written as text, and a matcher compares text: ``le="10"`` selects nothing
where the stored value is ``"10.0"``. Read from Prometheus 3.13.5's sources:

- **scraped** (text, OpenMetrics or protobuf; ``model/textparse``): the value is parsed as a float and written
  again with ``labels.FormatOpenMetricsFloat``: Go's shortest ``%g``, plus ``.0`` when that has neither ``.`` nor
  ``e``: ``10`` -> ``10.0``, ``1`` -> ``1.0``, ``0.25`` stays, ``1000000`` -> ``1e+06``, ``Inf`` -> ``+Inf``. Only
  for a series its exposition types as a histogram (``le``) or summary (``quantile``). Prometheus 2 kept the text
  as exposed (``le="10"`` from most text-format exporters, ``"10.0"`` from others and from protobuf);
- **OTLP** (``storage/remote/otlptranslator``): ``strconv.FormatFloat(bound, 'f', -1, 64)``, plain decimals
  without an exponent or a trailing ``.0``: ``10`` stays ``10``, ``0.25`` stays; the last bucket is ``+Inf``.
"""

from __future__ import annotations

import math
from decimal import Decimal

INGESTIONS = ("scrape", "otlp")


def parse(text: str) -> float | None:
    """The float ``text`` spells as Go's strconv.ParseFloat reads it (decimal, exponent, Inf, NaN), else None."""
    if not text or text != text.strip() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _digits(f: float) -> tuple[str, int]:
    """The shortest round-tripping digits of abs(f) (no trailing zeros) and the decimal point's position."""
    _, digits, exponent = Decimal(repr(abs(f))).normalize().as_tuple()
    text = "".join(map(str, digits))
    return text, len(text) + exponent


def scraped(f: float) -> str:
    """Go's labels.FormatOpenMetricsFloat(f): what Prometheus 3 stores for a scraped ``le`` or ``quantile``."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0.0"
    digits, point = _digits(f)
    sign = "-" if f < 0 else ""
    exp = point - 1
    if exp < -4 or exp >= 6:  # %g of the shortest digits switches to %e at these exponents (strconv: eprec 6)
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    text = sign + _fixed(digits, point)
    return text if "." in text else text + ".0"


def otlp(f: float) -> str:
    """Go's strconv.FormatFloat(f, 'f', -1, 64): what Prometheus stores for an ``le`` that came over OTLP."""
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    if f == 0:
        return "0"
    digits, point = _digits(f)
    return ("-" if f < 0 else "") + _fixed(digits, point)


def _fixed(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def stored(text: str, ingestion: str = "scrape") -> str | None:
    """How Prometheus 3 stores the value ``text`` (None when ``text`` is no number)."""
    f = parse(text)
    if f is None:
        return None
    return otlp(f) if ingestion == "otlp" else scraped(f)
