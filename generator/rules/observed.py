"""The rule groups a promtool scenario can observe, so that it runs against those alone.

A scenario asserts alerts (``alert_rule_test``) and expressions (``promql_expr_test``); nothing else of a rule
file's evaluation reaches its verdict. A group matters when it holds an asserted alert, or records a series that an
asserted expression or a rule of a group that matters reads (``ALERTS`` read with a literal ``alertname`` brings
that alert's group; read otherwise, every group with an alert). The other groups still evaluate at every step,
for nothing: in an SLO rule file of four objectives, a scenario of one of them pays for all four. Without them,
promtool's verdict and its explanation are the same, in about 40% of the time.

The reading is textual and errs towards keeping: a name counts as read wherever it appears in an expression as a
whole word (in a label value too), and any doubt (a file that is not a rule file, ``ALERTS`` or ``__name__``
matched by a regular expression) keeps every group.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

_ALERTS = re.compile(r'(?<![\w:."])"?ALERTS(?:_FOR_STATE)?"?(?![\w:."])')
_ALERTNAME = re.compile(r'alertname\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


Record = tuple[str, tuple[tuple[str, str], ...]]  # a recording rule's name and its static labels


@lru_cache(maxsize=64)
def _groups(content: bytes) -> tuple[tuple[str, tuple[Record, ...], tuple[str, ...], tuple[str, ...]], ...] | None:
    """(name, recordings, alert names, what its rules read) of each group of a rule file; None when it is not
    one."""
    try:
        data = yaml.safe_load(content)
        out = []
        for group in data["groups"]:
            rules = group.get("rules") or []
            records = tuple((str(r["record"]), tuple(sorted((str(k), str(v)) for k, v in
                                                             (r.get("labels") or {}).items())))
                            for r in rules if "record" in r)
            # What a rule reads: its expression, and its templates (``query`` in an annotation reads too)
            reads = tuple(str(text) for r in rules for text in [r["expr"], *(r.get("annotations") or {}).values(),
                                                                 *(r.get("labels") or {}).values()])
            out.append((str(group["name"]), records, tuple(str(r["alert"]) for r in rules if "alert" in r), reads))
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


def observed_groups(rule_files: list[bytes], test: dict) -> set[str] | None:
    """The names of the groups of ``rule_files`` (their YAML) that scenario ``test`` (one entry of a promtool test
    file's ``tests``) can observe; None when every group must stay."""
    parsed = [_groups(content) for content in rule_files]
    if any(p is None for p in parsed):
        return None
    exprs = [str(e.get("expr", "")) for e in test.get("promql_expr_test") or []]
    if any("__name__" in expr for p in parsed for g in p for expr in g[3]) or any("__name__" in e for e in exprs):
        return None  # a name matched by a regular expression: any recording may be read
    groups = [g for p in parsed for g in p]
    wanted = {str(a.get("alertname", "")) for a in test.get("alert_rule_test") or []}
    kept: set[str] = set()
    while True:
        alerts: set[str] | None = set(wanted)
        for expr in exprs:
            read = _alerts_read(expr)
            alerts = None if read is None or alerts is None else alerts | read
        added = {name for name, records, names, _ in groups if name not in kept and (
            (names and (alerts is None or alerts & set(names)))
            or any(_reads(expr, record) for record in records for expr in exprs))}
        if not added:
            return kept or None  # a scenario that observes no group at all: as written, rather than none
        kept |= added
        exprs += [e for name, _, _, es in groups if name in added for e in es]
