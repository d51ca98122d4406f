"""Another metric naming's rules, proven by fewer scenarios than the default naming's, and by nothing less.

generator.rules.slo_rules builds an objective's rules on its SLI: the *base* recording rules read the naming's raw
series (its metric names, label matchers, grouping labels and threshold bucket); every rule above them reads
recorded series only, and is the same for every naming. :func:`assert_only_the_base_differs` checks that: another
naming's slos.yml holds the default's groups and rules in the same order, with the same ``for`` and labels, and
the same expression for every rule that reads no raw series; only the base's expressions and the annotations'
text (which name the naming's labels) differ.

The rules above the base are proven by every SLO scenario of the default naming on Prometheus 2 and 3, and by the
mutants. What another naming changes is its base, and :data:`BASE_SCENARIOS` (``test-rules --run``) keeps the
scenarios that exercise it through every rule of its objective: the 1h/5m window pair's (start-up with partial
windows, just under the factor, 0/0, a counter reset, the windows, ties), every objective's values scenario (each
recorded value) and the edges that name no longer window pair. The other pairs' scenarios read the base as the
1h/5m ones do and differ only above it: they are left out, 108 of the 154 SLO scenarios and most of their time.

Two namings whose rules are the same but for a few (:func:`rules_that_differ`: genai-otlp is genai-semconv but
for AIServiceNoData, which reads ``target_info`` where a scrape has ``up``) need the scenarios of those only, once
the other naming has run its own: :func:`scenarios_of` is the ``--run`` expression for them.
"""

from __future__ import annotations

import re

import yaml

from generator.lint.promql import Selector, parse, walk

SLO_FILE = "rules/slos.yml"
LONGER_PAIRS = ("6h/30m", "1d/2h", "3d/6h")
BASE_SCENARIOS = r"^(?!.*\b(?:" + "|".join(re.escape(p) for p in LONGER_PAIRS) + r"): )"


def _selected(expr: str) -> set[str]:
    return {n.name for n in walk(parse(expr)) if isinstance(n, Selector)}


def assert_only_the_base_differs(default, other) -> None:
    """``default`` and ``other``: compile_project outputs of two namings of the same content."""
    mine, theirs = (yaml.safe_load(o.files[SLO_FILE])["groups"] for o in (default, other))
    assert [g["name"] for g in theirs] == [g["name"] for g in mine]
    recorded = {r["record"] for g in theirs for r in g["rules"] if "record" in r}
    base = 0
    for group, reference in zip(theirs, mine, strict=True):
        assert group.get("interval") == reference.get("interval"), group["name"]
        for rule, same in zip(group["rules"], reference["rules"], strict=True):
            name = rule.get("record") or rule["alert"]
            assert name == (same.get("record") or same["alert"]), (group["name"], name)
            assert (rule.get("for"), rule.get("labels")) == (same.get("for"), same.get("labels")), name
            if _selected(str(rule["expr"])) <= recorded:
                assert rule["expr"] == same["expr"], f"{group['name']} › {name} reads recorded series only, yet differs"
            else:
                base += 1
    assert base, "no base rule: the naming changes nothing?"


def _rules(output) -> dict[tuple[str, str, str], dict]:
    out = {}
    for compiled in output.rules:
        for group in yaml.safe_load(output.files[compiled.path])["groups"]:
            for rule in group["rules"]:
                out[(compiled.path, group["name"], rule.get("record") or rule["alert"])] = rule
    return out


def rules_that_differ(one, other) -> set[str]:
    """The names of the rules whose expression, ``for`` or labels differ between two builds of the same content
    (annotations aside), or that one of them lacks."""
    mine, theirs = _rules(one), _rules(other)
    return {key[2] for key in mine.keys() | theirs.keys() if key not in mine or key not in theirs or any(
        mine[key].get(k) != theirs[key].get(k) for k in ("expr", "for", "labels"))}


def scenarios_of(names: set[str]) -> str:
    """A ``test-rules --run`` expression finding the scenarios whose title names one of ``names``."""
    return r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b"

