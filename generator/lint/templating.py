"""Grafana template variables in queries: found, and expanded so that the query parses as PromQL.

Grafana replaces its variables (the syntax is :mod:`generator.grafana.model`'s) before it sends a query. The linter
does the same with stand-ins that keep the checks honest:

- inside a quoted string (a label matcher's value) or a ``#`` comment a variable is left as written, and the
  label-value check skips values that contain one (it cannot know what the user will select);
- where label matchers go (``{$matchers}``, a variable whose value is a matcher list) it becomes the matcher
  ``__grafana_var_<name>!=""``;
- inside a range or after ``offset`` it becomes a *sentinel duration*, one per variable, and
  :attr:`Expansion.intervals` maps it back, so range checks can tell ``[$__rate_interval]`` from ``[1m]``;
- anywhere else it becomes an identifier ``__grafana_var_<name>`` (a metric or label name that checks ignore),
  or, when that does not parse, the number 1 (``topk($n, ...)``, ``> $threshold``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from ..grafana.model import references
from .promql_lex import string_spans

PLACEHOLDER_PREFIX = "__grafana_var_"

NUMERIC_GLOBALS = frozenset({"__interval_ms", "__rate_interval_ms", "__range_s", "__range_ms", "__from", "__to"})
_SENTINEL_BASE_MS = 987_000_000  # about 11 days: long enough for every range check, and never written by hand


def is_placeholder(name: str | None) -> bool:
    return bool(name) and name.startswith(PLACEHOLDER_PREFIX)


@dataclass
class Expansion:
    text: str
    intervals: dict[timedelta, str] = field(default_factory=dict)  # sentinel duration -> variable name
    variables: list[str] = field(default_factory=list)

    def interval_variable(self, duration: timedelta | None) -> str | None:
        """The variable a range came from (``__rate_interval``), or None for a literal window."""
        return self.intervals.get(duration) if duration is not None else None


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _duration_position(text: str, start: int) -> bool:
    """True when a variable at ``start`` stands where PromQL wants a duration: ``[...]``, ``[x:...]``, ``offset``."""
    before = text[:start].rstrip()
    if before.endswith(("[", ":")):
        return True
    return bool(re.search(r"\boffset$", before)) or before.endswith("offset -")


def _matcher_position(text: str, start: int, end: int) -> bool:
    """True when a variable at ``start:end`` stands for whole label matchers: ``{$matchers}``, ``{a="b", $m}``."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    return before.endswith(("{", ",")) and after.startswith(("}", ",")) and before.rfind("{") > before.rfind("}")


def expand(text: str, numeric_fallback: bool = False) -> Expansion:
    """Replace every variable of ``text`` with a stand-in (see the module docstring)."""
    if "$" not in text and "[[" not in text:
        return Expansion(text)
    spans = string_spans(text)
    out, last = [], 0
    expansion = Expansion("")
    sentinels: dict[str, timedelta] = {}
    for ref in references(text):
        name = ref.name
        expansion.variables.append(name)
        if _in_spans(ref.start, spans):
            continue
        out.append(text[last:ref.start])
        if _duration_position(text, ref.start):
            if name not in sentinels:
                sentinels[name] = timedelta(milliseconds=_SENTINEL_BASE_MS + len(sentinels))
                expansion.intervals[sentinels[name]] = name
            out.append(f"{int(sentinels[name].total_seconds() * 1000)}ms")
        elif _matcher_position(text, ref.start, ref.end):
            out.append(f'{PLACEHOLDER_PREFIX}{name}!=""')
        elif numeric_fallback or name in NUMERIC_GLOBALS:
            out.append("1")
        else:
            out.append(PLACEHOLDER_PREFIX + name)
        last = ref.end
    out.append(text[last:])
    expansion.text = "".join(out)
    return expansion
