"""Mutants of a compiled rule file: one change at a time to a threshold, a `for`, a comparison or a window.

A mutant is the rule file as it would be with one plausible mistake. The unit tests must notice every one of them
(some test fails); a mutant they do not notice is a missing test, unless it is equivalent to the original for
every input the service can produce, which :data:`tests.test_rule_mutants.EQUIVALENT` lists with the reason.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import timedelta

import promql_parser

from generator.rules.scenarios import duration_text

COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")
NUMBER = re.compile(r"(?<![\w.:])(\d+(?:\.\d+)?)(?![\w.:])")
COMPARISON = re.compile(r"==|!=|>=|<=|>|<")
WINDOW = re.compile(r"\[(\d+[smhd])\]")
OFFSET = re.compile(r"offset (\d+[smhd])")


@dataclass
class Mutant:
    rule: str  # alert name or record
    change: str  # "`>` -> `>=` at 41", "for 2m -> 1m45s"
    data: dict  # the whole rule file, with this one change
    group: str = ""  # the rule group of the changed rule

    @property
    def id(self) -> str:
        return f"{self.rule}: {self.change}"


def _masked(expr: str) -> str:
    """``expr`` with label matchers and strings blanked out (same length), so only operators and numbers remain."""
    out = list(expr)
    depth = 0
    quote = None
    for i, ch in enumerate(expr):
        if quote:
            out[i] = " "
            if ch == quote and expr[i - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
            out[i] = " "
        elif ch == "{":
            depth += 1
            out[i] = " "
        elif ch == "}":
            depth -= 1
            out[i] = " "
        elif depth:
            out[i] = " "
    return "".join(out)


def _number(value: float) -> str:
    value = round(float(value), 10)
    return str(int(value)) if value.is_integer() else repr(value)


def _seconds(text: str) -> int:
    return int(promql_parser.parse_duration(text).total_seconds())


def _expr_mutations(expr: str):
    """(change, new expr) for every single change of a number, comparison, window or offset in ``expr``."""
    masked = _masked(expr)
    for m in NUMBER.finditer(masked):
        value = float(m.group(1))
        candidates = {value * 0.5, value * 0.9, value * 1.1, value * 2}
        if value.is_integer():
            candidates |= {value - 1, value + 1}
        for new in sorted(candidates - {value}):
            yield (f"{m.group(1)} -> {_number(new)} at {m.start()}",
                   expr[:m.start()] + _number(new) + expr[m.end():])
    for m in COMPARISON.finditer(masked):
        for op in COMPARISONS:
            if op != m.group(0):
                yield (f"`{m.group(0)}` -> `{op}` at {m.start()}", expr[:m.start()] + op + expr[m.end():])
    for pattern, what in ((WINDOW, "window"), (OFFSET, "offset")):
        for m in pattern.finditer(masked if pattern is WINDOW else expr):
            seconds = _seconds(m.group(1))
            for new in sorted({seconds // 2, seconds * 2} | ({60} if what == "window" and seconds == 300 else set())):
                new_text = duration_text_of(new)
                yield (f"{what} {m.group(1)} -> {new_text} at {m.start(1)}",
                       expr[:m.start(1)] + new_text + expr[m.end(1):])


def duration_text_of(seconds: int) -> str:
    return duration_text(timedelta(seconds=seconds))


def mutants(rule_file: dict, evaluation_step: dict[str, int]) -> list[Mutant]:
    """Every single-change mutant of every rule of ``rule_file`` (parsed YAML of a Prometheus rule file).

    A `for` is also moved by one evaluation of the tests of its alert (``evaluation_step``: alert -> seconds)."""
    out = []
    for gi, group in enumerate(rule_file["groups"]):
        for ri, rule in enumerate(group["rules"]):
            name = rule.get("alert") or rule["record"]

            def variant(key, value, gi=gi, ri=ri):
                data = copy.deepcopy(rule_file)
                data["groups"][gi]["rules"][ri][key] = value
                return data

            for change, expr in _expr_mutations(rule["expr"]):
                out.append(Mutant(name, change, variant("expr", expr), group["name"]))
            if "for" in rule:
                seconds, step = _seconds(rule["for"]), evaluation_step[name]
                for new in sorted({0, seconds // 2, seconds - step, seconds + step, seconds * 2} - {seconds}):
                    out.append(Mutant(name, f"for {rule['for']} -> {duration_text_of(new)}",
                                      variant("for", duration_text_of(new)), group["name"]))
    return out
