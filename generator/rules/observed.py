"""The rules a promtool scenario can observe, so that it runs against those alone.

A scenario asserts alerts (``alert_rule_test``) and expressions (``promql_expr_test``); nothing else of a rule
file's evaluation reaches its verdict. A rule matters when it is an asserted alert, or records a series that an
asserted expression or a rule that matters reads (``ALERTS`` read with a literal ``alertname`` brings that alert;
read otherwise, every alert). The other rules still evaluate at every step, for nothing: in an SLO rule file of
four objectives, a scenario of one of them paid for all four, and a scenario of a day-long alert over one counter
for every histogram quantile of the file. Without them, promtool's verdict and its explanation are the same:
a rule's result depends only on the series it reads, and what a kept rule reads is kept, in the order of its group
(a rule that reads one recorded after it in the group still reads the previous evaluation's). A day-long
scenario of an alert over one counter ran in a quarter of the time (1.15 s against 0.26 s on Prometheus 3).

The reading is textual and errs towards keeping: a name counts as read wherever it appears in an expression as a
whole word (in a label value too), and any doubt (a file that is not a rule file, ``ALERTS`` or ``__name__``
matched by a regular expression) keeps every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

_ALERTS = re.compile(r'(?<![\w:."])"?ALERTS(?:_FOR_STATE)?"?(?![\w:."])')
_ALERTNAME = re.compile(r'alertname\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


Record = tuple[str, tuple[tuple[str, str], ...]]  # a recording rule's name and its static labels


@dataclass(frozen=True)
class _Rule:
    group: str
    index: int  # in its group
    record: Record | None
    alert: str | None
    reads: tuple[str, ...]  # its expression, and its templates (``query`` in an annotation reads too)


@lru_cache(maxsize=64)
def _rules(content: bytes) -> tuple[_Rule, ...] | None:
    """Every rule of a rule file, in order; None when it is not one."""
    try:
        data = yaml.safe_load(content)
        out = []
        for group in data["groups"]:
            for index, r in enumerate(group.get("rules") or []):
                labels = r.get("labels") or {}
                record = (str(r["record"]), tuple(sorted((str(k), str(v)) for k, v in labels.items()))) \
                    if "record" in r else None
                reads = tuple(str(text) for text in [r["expr"], *(r.get("annotations") or {}).values(),
                                                     *labels.values()])
                out.append(_Rule(str(group["name"]), index, record, str(r["alert"]) if "alert" in r else None, reads))
        return tuple(out)
    except (yaml.YAMLError, TypeError, KeyError, AttributeError):
        return None


_MATCHER = re.compile(r'([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


def _reads(expr: str, record: Record) -> bool:
    """Whether ``expr`` may read the series of ``record``: its name as a whole word, unless every selector of it
    asks a static label of the rule for another value (``burn_rate1h{slo="latency"}`` reads nothing the
    availability objective records, whose rules set ``slo: availability``)."""
    name, labels = record
    static = dict(labels)
    for m in re.finditer(rf'(?<![\w:.]){re.escape(name)}(?![\w:.])\s*(\{{[^}}]*\}})?', expr):
        matchers = _MATCHER.findall(m.group(1) or "")
        if not any(op == "=" and key in static and static[key] != value for key, op, value in matchers):
            return True
    return False


def _alerts_read(expr: str) -> set[str] | None:
    """The alert names whose ``ALERTS`` series ``expr`` reads: an empty set when it reads none, None when it may
    read any (no literal ``alertname`` matcher, or one that is not an equality)."""
    if not _ALERTS.search(expr):
        return set()
    matchers = _ALERTNAME.findall(expr)
    if not matchers or any(op != "=" for op, _ in matchers):
        return None
    return {value for _, value in matchers}


def observed_rules(rule_files: list[bytes], test: dict) -> list[dict[str, list[int]]] | None:
    """Per rule file of ``rule_files`` (their YAML), the rules scenario ``test`` (one entry of a promtool test file's
    ``tests``) can observe: group name -> indexes of its rules, in order; a group with none is absent. None when
    every rule must stay."""
    parsed = [_rules(content) for content in rule_files]
    if any(p is None for p in parsed):
        return None
    exprs = [str(e.get("expr", "")) for e in test.get("promql_expr_test") or []]
    if any("__name__" in text for p in parsed for r in p for text in r.reads) or any("__name__" in e for e in exprs):
        return None  # a name matched by a regular expression: any recording may be read
    rules = [(f, r) for f, p in enumerate(parsed) for r in p]
    alerts: set[str] | None = {str(a.get("alertname", "")) for a in test.get("alert_rule_test") or []}
    kept: set[tuple[int, str, int]] = set()
    new = exprs  # what the rules kept last read, not yet matched against the others
    while True:
        for expr in new:
            read = _alerts_read(expr)
            alerts = None if read is None or alerts is None else alerts | read
        added = [(f, r) for f, r in rules if (f, r.group, r.index) not in kept and (
            (r.alert is not None and (alerts is None or r.alert in alerts))
            or (r.record is not None and any(_reads(expr, r.record) for expr in new)))]
        if not added:
            break
        kept |= {(f, r.group, r.index) for f, r in added}
        new = [text for _, r in added for text in r.reads]  # a rule left out so far read none of the earlier ones
    if not kept:
        return None  # a scenario that observes no rule at all: as written, rather than none
    out: list[dict[str, list[int]]] = [{} for _ in parsed]
    for f, r in rules:
        if (f, r.group, r.index) in kept:
            out[f].setdefault(r.group, []).append(r.index)
    return out


def observed_groups(rule_files: list[bytes], test: dict) -> set[str] | None:
    """The names of the groups of ``rule_files`` that hold a rule scenario ``test`` can observe; None when every
    rule must stay."""
    rules = observed_rules(rule_files, test)
    return None if rules is None else {group for per_file in rules for group in per_file}
