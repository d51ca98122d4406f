"""A value's colour and text as Grafana computes them, for the dark theme: field config with overrides, the min/max
range, thresholds, colour modes and value mappings. Each rule follows Grafana's source (packages/grafana-data/src):

- ``field/fieldOverrides.ts`` ``applyFieldOverrides``: a field's config is the panel's ``fieldConfig.defaults``
  with every matching override's properties set on top (matchers ``byName``, ``byRegexp``, ``byFrameRefID``,
  ``byType``); a ``min`` or ``max`` left unset is the smallest or largest value of *all* the panel's numeric
  fields (``findNumericFieldMinMax``), so every series of a panel shares one range.
- ``field/fieldOverrides.ts`` ``validateFieldConfig``: a config with thresholds and no colour gets colour mode
  ``thresholds``; ``field/fieldColor.ts`` ``getFieldColorModeForField``: an unknown mode is ``thresholds`` too.
- ``field/scale.ts`` ``getScaleCalculator``: ``percent = (value - min) / (max - min)``; the active threshold is
  chosen from the value (mode ``absolute``) or from ``percent × 100`` (mode ``percentage``).
- ``field/thresholds.ts`` ``getActiveThreshold``: the last step whose value is at most the value, walking the
  steps in order; the base step (``value: null``, -Infinity) when none is.
- ``field/fieldColor.ts``: ``thresholds`` takes the active step's colour; ``fixed`` and ``shades`` the
  ``fixedColor`` (``FALLBACK_COLOR``, gray, without one); ``palette-classic`` the series' index in the classic
  palette; ``palette-classic-by-name`` a hash (npm ``string-hash``) of the series name; ``continuous-*`` interpolate
  the scheme's colours at ``percent`` (d3 ``interpolateRgbBasis``; Viridis and its kin through the same ramps).
  Grafana's docs: https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#color-scheme
  and .../configure-thresholds/ ("Percentage: thresholds relative to min and max").
- ``field/displayProcessor.ts`` with ``utils/valueMappings.ts`` ``getValueMappingResult``: the first mapping that
  matches (``value``, ``range``, ``regex``, ``special``) gives the text and, when it names one, the colour, which
  then wins over the colour scheme; otherwise the value is formatted with its unit and decimals (:mod:`.units`).
- ``themes/createVisualizationColors.ts``: the dark theme's named colours and the classic palette.
"""

from __future__ import annotations

import copy
import math
import re

from matplotlib import colormaps
from matplotlib import colors as mcolors

from .units import format_value

_HUES = {  # getDarkHues(): super-light, light, primary, semi-dark, dark
    "red": ("#FFA6B0", "#FF7383", "#F2495C", "#E02F44", "#C4162A"),
    "orange": ("#FFCB7D", "#FFB357", "#FF9830", "#FF780A", "#FA6400"),
    "yellow": ("#FFF899", "#FFEE52", "#FADE2A", "#F2CC0C", "#E0B400"),
    "green": ("#C8F2C2", "#96D98D", "#73BF69", "#56A64B", "#37872D"),
    "blue": ("#C0D8FF", "#8AB8FF", "#5794F2", "#3274D9", "#1F60C4"),
    "purple": ("#DEB6F2", "#CA95E5", "#B877D9", "#A352CC", "#8F3BB8"),
}
NAMED = {f"{prefix}{hue}": shades[i] for hue, shades in _HUES.items()
         for i, prefix in enumerate(("super-light-", "light-", "", "semi-dark-", "dark-"))}
NAMED.update({"transparent": "#00000000", "panel-bg": "#181B1F", "text": "#CCCCDC"})
FALLBACK = "#808080"  # FALLBACK_COLOR
TEXT = NAMED["text"]
CLASSIC = ["green", "yellow", "blue", "orange", "red", "purple", "dark-green", "dark-yellow", "dark-blue",
           "dark-orange", "dark-red", "dark-purple", "super-light-green", "super-light-yellow", "super-light-blue",
           "super-light-orange", "super-light-red", "super-light-purple", "#447EBC", "#C15C17", "#890F02", "#0A437C",
           "#6D1F62", "#584477", "#B7DBAB", "#F4D598", "#70DBED", "#F9BA8F", "#F29191", "#82B5D8", "#E5A8E2",
           "#AEA2E0", "#629E51", "#E5AC0E", "#64B0C8", "#E0752D", "#BF1B00", "#0A50A1", "#962D82", "#614D93",
           "#9AC48A", "#F2C96D", "#65C5DB", "#F9934E", "#EA6460", "#5195CE", "#D683CE", "#806EB7", "#3F6833",
           "#967302", "#2F575E", "#99440A", "#58140C", "#052B51", "#511749", "#3F2B5B", "#E0F9D7", "#FCEACA",
           "#CFFAFF", "#F9E2D2", "#FCE2DE", "#BADFF4", "#F9D9F9", "#DEDAF7"]
SCHEMES = {  # fieldColor.ts: continuous modes by their colours, or by a d3-scale-chromatic interpolator
    "continuous-GrYlRd": ["green", "yellow", "red"], "continuous-RdYlGr": ["red", "yellow", "green"],
    "continuous-BlYlRd": ["dark-blue", "super-light-yellow", "dark-red"],
    "continuous-YlRd": ["super-light-yellow", "dark-red"], "continuous-BlPu": ["blue", "purple"],
    "continuous-YlBl": ["super-light-yellow", "dark-blue"], "continuous-blues": ["panel-bg", "dark-blue"],
    "continuous-reds": ["panel-bg", "dark-red"], "continuous-greens": ["panel-bg", "dark-green"],
    "continuous-purples": ["panel-bg", "dark-purple"],
}
RAMPS = {"continuous-viridis": "viridis", "continuous-magma": "magma", "continuous-plasma": "plasma",
         "continuous-inferno": "inferno", "continuous-cividis": "cividis"}


def color_by_name(name) -> str:
    """``theme.visualization.getColorByName``: a named colour of the dark theme, or the colour as written."""
    if not isinstance(name, str) or not name:
        return FALLBACK
    if name in NAMED:
        return NAMED[name]
    return name  # "#hex", "rgb(...)", or a CSS name (nativeColorNames)


def hex_color(name) -> str:
    """A matplotlib-ready colour for whatever :func:`color_by_name` returned (``rgba(...)`` included)."""
    value = color_by_name(name)
    m = re.match(r"rgba?\(([^)]*)\)", value.replace(" ", ""))
    if m:
        parts = [float(p) for p in m.group(1).split(",")]
        rgb = [min(max(round(c), 0), 255) for c in parts[:3]]
        alpha = f"{round(parts[3] * 255):02X}" if len(parts) > 3 and parts[3] < 1 else ""
        return "#" + "".join(f"{c:02X}" for c in rgb) + alpha
    try:
        return mcolors.to_hex(value.lower() if not value.startswith("#") else value,
                              keep_alpha=len(value) == 9).upper()
    except ValueError:
        return FALLBACK


# -- field config ---------------------------------------------------------------------------------------------


def _matches(matcher: dict, name: str, ref: str) -> bool:
    kind, option = matcher.get("id"), matcher.get("options")
    if kind == "byName":
        return option == name
    if kind == "byRegexp":  # stringToJsRegex(pattern).test(displayName): a search, /flags/ allowed
        pattern, flags = str(option or ""), 0
        m = re.fullmatch(r"/(.*)/([a-z]*)", pattern)
        if m:
            pattern, flags = m.group(1), re.IGNORECASE if "i" in m.group(2) else 0
        try:
            return re.search(pattern, name, flags) is not None
        except re.error:
            return False
    if kind == "byFrameRefID":
        return option == ref
    if kind == "byType":
        return option == "number"
    return False


def field_config(panel: dict, name: str = "", ref: str = "A") -> dict:
    """The config of the field ``name`` (from target ``ref``): the panel's defaults, then matching overrides."""
    fc = panel.get("fieldConfig") or {}
    config = copy.deepcopy(fc.get("defaults") or {})
    for rule in fc.get("overrides") or []:
        if not _matches(rule.get("matcher") or {}, name, ref):
            continue
        for prop in rule.get("properties") or []:
            key, value = str(prop.get("id", "")), prop.get("value")
            target, path = (config.setdefault("custom", {}), key[len("custom."):]) if key.startswith("custom.") \
                else (config, key)
            parts = path.split(".")
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            if value is None:
                target.pop(parts[-1], None)
            else:
                target[parts[-1]] = copy.deepcopy(value)
    if "color" not in config and config.get("thresholds"):
        config["color"] = {"mode": "thresholds"}
    return config


def value_range(config: dict, every_value: list[float]) -> tuple[float, float]:
    """(min, max): the config's, else the smallest or largest of every value the panel shows."""
    numbers = [v for v in every_value if v is not None and not math.isnan(v)]
    lo = config.get("min") if isinstance(config.get("min"), (int, float)) else (min(numbers) if numbers else 0.0)
    hi = config.get("max") if isinstance(config.get("max"), (int, float)) else (max(numbers) if numbers else 100.0)
    return float(lo), float(hi)


def threshold_steps(config: dict) -> list[tuple[float, str]]:
    """The steps in their order, the base step (null) from -Infinity."""
    steps = ((config.get("thresholds") or {}).get("steps")) or []
    out = [(-math.inf if s.get("value") is None else float(s["value"]), str(s.get("color") or ""))
           for s in steps if isinstance(s, dict)]
    return sorted(out, key=lambda s: s[0])  # sortThresholds


def active_threshold(value: float, steps: list[tuple[float, str]]) -> tuple[float, str]:
    """``getActiveThreshold``: walk the steps; the last one whose value is at most ``value``."""
    if not steps:
        return (0.0, FALLBACK)
    active = steps[0]
    for step in steps:
        if value >= step[0]:
            active = step
        else:
            break
    return active


def _basis(t1: float, v0: float, v1: float, v2: float, v3: float) -> float:
    t2, t3 = t1 * t1, t1 * t1 * t1
    return ((1 - 3 * t1 + 3 * t2 - t3) * v0 + (4 - 6 * t2 + 3 * t3) * v1 + (1 + 3 * t1 + 3 * t2 - 3 * t3) * v2
            + t3 * v3) / 6


def interpolate_basis(colors: list[str], t: float) -> str:
    """d3 ``interpolateRgbBasis(colors)(t)``: a uniform B-spline through the colours, per RGB channel."""
    rgb = [[c * 255 for c in mcolors.to_rgb(hex_color(c)[:7])] for c in colors]
    n = len(rgb) - 1
    if t <= 0:
        t, i = 0.0, 0
    elif t >= 1:
        t, i = 1.0, n - 1
    else:
        i = math.floor(t * n)
    out = []
    for ch in range(3):
        v1, v2 = rgb[i][ch], rgb[i + 1][ch]
        v0 = rgb[i - 1][ch] if i > 0 else 2 * v1 - v2
        v3 = rgb[i + 2][ch] if i < n - 1 else 2 * v2 - v1
        out.append(min(max(round(_basis((t - i / n) * n, v0, v1, v2, v3)), 0), 255))
    return "#" + "".join(f"{c:02X}" for c in out)


def string_hash(text: str) -> int:
    """npm ``string-hash`` (djb2 from the end, 32-bit), as palette-classic-by-name uses it."""
    h = 5381
    for ch in reversed(text):
        h = ((h * 33) & 0xFFFFFFFF) ^ ord(ch)
    return h & 0xFFFFFFFF


def mode_of(config: dict) -> str:
    mode = str((config.get("color") or {}).get("mode") or "thresholds")
    known = {"thresholds", "fixed", "shades", "palette-classic", "palette-classic-by-name"} | set(SCHEMES) | set(RAMPS)
    return mode if mode in known else "thresholds"


def scale_color(config: dict, value: float, percent: float, threshold: tuple[float, str], index: int = 0,
                name: str = "") -> str:
    """The colour of ``value`` under the config's colour mode (``FieldColorMode.getCalculator``)."""
    mode = mode_of(config)
    if mode == "thresholds":
        return hex_color(threshold[1])
    if mode in ("fixed", "shades"):
        return hex_color((config.get("color") or {}).get("fixedColor") or FALLBACK)
    if mode == "palette-classic":
        return hex_color(CLASSIC[index % len(CLASSIC)])
    if mode == "palette-classic-by-name":
        return hex_color(CLASSIC[string_hash(name) % len(CLASSIC)])
    if mode in RAMPS:
        return mcolors.to_hex(colormaps[RAMPS[mode]](min(max(percent, 0.0), 1.0))).upper()
    return interpolate_basis(SCHEMES[mode], percent)


def _js_key(value) -> str:
    """A number as JavaScript writes it as an object key (``String(1.0)`` is ``"1"``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def mapping_result(mappings: list[dict], value) -> dict | None:
    """``getValueMappingResult``: the result of the first mapping that matches ``value``."""
    for vm in mappings or []:
        kind, options = vm.get("type"), vm.get("options") or {}
        if kind == "value" and value is not None:
            result = options.get(_js_key(value))
            if result:
                return result
        elif kind == "range" and value is not None:
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue
            if math.isnan(number):
                continue
            lo = 0.0 if "from" in options and options["from"] is None else options.get("from")  # isNaN(null): false
            hi = 0.0 if "to" in options and options["to"] is None else options.get("to")
            if lo is not None and number < float(lo):
                continue
            if hi is not None and number > float(hi):
                continue
            return options.get("result")
        elif kind == "regex" and isinstance(value, str):
            pattern = str(options.get("pattern") or "")
            if re.search(pattern, value):
                result = dict(options.get("result") or {})
                if result.get("text") is not None:
                    template = re.sub(r"\$(\d+)", r"\\g<\1>", (result["text"] or "").replace("\\", "\\\\"))
                    result["text"] = re.sub(pattern, template, value, count=1)  # String.replace: "$1" is group 1
                return result
        elif kind == "special":
            match = options.get("match")
            is_nan = isinstance(value, float) and math.isnan(value)
            hit = {"null": value is None, "nan": is_nan, "null+nan": value is None or is_nan,
                   "true": value in (True, "true"), "false": value in (False, "false"), "empty": value == ""}
            if hit.get(match):
                return options.get("result")
    return None


def display(value: float | None, config: dict, rng: tuple[float, float], index: int = 0, name: str = "") -> dict:
    """``getDisplayProcessor(field)(value)``: {text, color, percent, threshold, mapped}."""
    text, color, percent, threshold, mapped = None, None, None, None, False
    result = mapping_result(config.get("mappings") or [], value)
    if result:
        mapped = True
        if result.get("text") is not None:
            text = str(result["text"])
        if result.get("color") is not None:
            color = hex_color(result["color"])
    numeric = value is not None and not math.isnan(value)
    lo, hi = rng
    if numeric:
        if text is None:
            text = format_value(value, str(config.get("unit") or "none"), config.get("decimals"))
        if color is None:
            try:
                percent = (value - lo) / (hi - lo)
            except ZeroDivisionError:  # JavaScript: x / 0 is ±Infinity, 0 / 0 NaN (then 0)
                percent = 0.0 if value == lo else math.copysign(math.inf, value - lo)
            steps = threshold_steps(config)
            mode = (config.get("thresholds") or {}).get("mode")
            threshold = active_threshold(percent * 100 if mode == "percentage" else value, steps)
            color = scale_color(config, value, percent, threshold, index, name)
    if text is None:
        text = "" if value is None else str(value)
        text = text or str(config.get("noValue") or "")
    if color is None:  # scaleFunc(-Infinity): the base step, percent 0
        threshold = active_threshold(-math.inf, threshold_steps(config))
        percent = 0.0
        color = scale_color(config, -math.inf, 0.0, threshold, index, name)
    return {"text": text, "color": color, "percent": None if percent is None else round(percent, 6),
            "threshold": None if threshold is None else (None if math.isinf(threshold[0]) else threshold[0]),
            "mapped": mapped}
