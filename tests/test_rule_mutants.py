"""Tests that bite: every single mistake in a threshold, a `for`, a comparison or a window of a rule makes at
least one promtool unit test fail.

Each mutant (tests/mutants.py) is the generated rule file with one change; it is run by the real promtool
against the unchanged scenarios of the generated ``*.test.yml``. Only scenarios that assert something about the
changed rule, or a rule reading its output, can notice the change, so only those run, and a mutant stops at the
first scenario that fails (those that killed most mutants so far are tried first: the order changes what a run
costs, never whether a mutant is killed). A mutant no scenario notices is a missing test: add the scenario
(rules/scenarios/, one module per alert), do not add it to EQUIVALENT unless no input the service can produce
tells the two rules apart.

Mutants run on one promtool, Prometheus 3's (2's on a machine without Go): every scenario passes on both
(tests/test_ruletests.py, `make test-rules`), and running every mutant twice would double the slowest test.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from generator import durations
from generator.build import compile_project
from generator.output import dump_yaml
from generator.project import Project
from generator.rules.testrun import cases_of, run_cases
from tests.conftest import ROOT
from tests.mutants import mutants

pytestmark = pytest.mark.slow

RULE_FILE = "rules/ai_service.yml"
SLO_FILE = "rules/slos.yml"  # generated from objectives (generator.rules.slo_rules), tested by generated scenarios

# Mutants no realistic input can tell from the original, with the reason. Anything else that survives fails.
EQUIVALENT = {
    "AIServiceNoData: `==` -> `>=` at 28": "up is 0 or 1: `up >= 1` is `up == 1`",
    "AIComponentDown: `==` -> `<=` at 55": "ai_component_up is 0 or 1: `<= 0` is `== 0`",
    "AIComponentDown: `==` -> `>=` at 240": "up is 0 or 1: `up >= 1` is `up == 1`",
}
# slos.yml: mutants the generated scenarios (generator/rules/slo_tests.py, slo_edges.py) do not notice. EQ62 is
# truly equivalent; SPEND_GE is a tie no input makes exact under both Prometheus 2 and 3.
EQ62 = "equivalent: the series of earlier months carry another `month` label, so 62 days read what 31 do"
SPEND_GE = ("no exact tie: a spend alert's long window at exactly the factor times the rate allowed while the "
            "short window is above it. The rate allowed ((budget - spent) / seconds left) is an arbitrary float that "
            "moves every evaluation, and a long window under its short one is a mean of unequal 5-minute rates, "
            "whose rounding Prometheus 2 and 3 differ in (one sample more in 2's window; avg_over_time's algorithm); "
            "a tie at an allowed rate of 0 needs a long window that spent nothing, and then the short one spent "
            "nothing either")
SLO_NOT_YET_KILLED = {
    'slo-monthly-spend › MonthlySpendBudgetBurn1h: `>` -> `>=` at 46': SPEND_GE,
    'slo-monthly-spend › MonthlySpendBudgetBurn6h: `>` -> `>=` at 46': SPEND_GE,
    'slo-monthly-spend › MonthlySpendBudgetBurn1d: `>` -> `>=` at 46': SPEND_GE,
    'slo-monthly-spend › MonthlySpendBudgetBurn3d: `>` -> `>=` at 46': SPEND_GE,
    'slo-monthly-spend › slo:spend_dollars:period_to_date: window 31d -> 62d at 93': EQ62,
}
# Per rule file; mutants of slos.yml are named `group › rule: change` (record names repeat across objectives).
EQUIVALENT_BY_FILE = {RULE_FILE: EQUIVALENT, SLO_FILE: SLO_NOT_YET_KILLED}
# slos.yml has about 550 mutants (10 minutes on 2 cores): `make test` runs every 4th of them (a fixed sample that
# covers every objective, factor, window and `for` kind); GENERATOR_MUTANTS=all runs them all.
SAMPLE_EVERY = {} if os.environ.get("GENERATOR_MUTANTS") == "all" else {SLO_FILE: 4}


@pytest.fixture(scope="module")
def compiled():
    return compile_project(Project.find(ROOT))


def _names_in(case) -> str:
    """What a scenario's checks mention (not its inputs): alert names and the expressions it evaluates."""
    test = case.document["tests"][0]
    checks = [t["alertname"] for t in test.get("alert_rule_test", [])]
    checks += [t["expr"] for t in test.get("promql_expr_test", [])]
    return "\n".join(checks)


def _slo_of(rule_file: dict, group: str) -> str | None:
    """The objective of a group of slos.yml (its rules' `slo` label), None elsewhere."""
    for g in rule_file["groups"]:
        if g["name"] == group:
            return next((r.get("labels", {}).get("slo") for r in g["rules"] if "slo" in r.get("labels", {})), None)
    return None


def _affected(rule_file: dict, rule: str, slo: str | None = None) -> set[str]:
    """``rule`` and every rule that reads its output, directly or not (of the same objective, for ``slo``)."""
    rules = [(r.get("alert") or r["record"], r["expr"]) for g in rule_file["groups"] for r in g["rules"]
             if slo is None or r.get("labels", {}).get("slo") == slo]
    affected = {rule}
    grew = True
    while grew:
        grew = False
        for name, expr in rules:
            if name not in affected and any(re.search(rf"(?<![\w:]){re.escape(a)}(?![\w:])", expr)
                                            for a in affected):
                affected.add(name)
                grew = True
    return affected


def _mentions(text: str, names: set[str]) -> bool:
    return any(re.search(rf'(?<![\w:]){re.escape(n)}(?![\w:])', text) for n in names)


def _evaluation_steps(compiled) -> dict[str, int]:
    steps: dict[str, int] = {}
    for rules in compiled.rules:
        for test in rules.tests.tests:
            seconds = int(durations.parse(test.evaluation_interval).total_seconds())
            for alert in test.alerts:
                steps[alert] = max(steps.get(alert, 0), seconds)
    return steps


def _evaluations(case) -> float:
    """How many evaluations a scenario takes: its last check over its evaluation interval. Mutants run the
    cheapest scenarios first, so that most die in a fraction of a second."""
    test = case.document["tests"][0]
    times = [t["eval_time"] for t in test.get("alert_rule_test", []) + test.get("promql_expr_test", [])]
    last = max((durations.parse(t).total_seconds() for t in times), default=0)
    return last / durations.parse(case.document["evaluation_interval"]).total_seconds()


def test_scenarios_split_one_by_one_still_pass(compiled, newest_promtool):
    """The baseline: the mutants run scenarios one by one (cases_of). Every generated test file passes whole
    (tests/test_ruletests.py); here every scenario is one case, and the cheapest case of each file passes alone
    against the unchanged rules, so that a case that fails means the mutant, not the splitting."""
    cases = cases_of(compiled)
    per_file: dict[str, list] = {}
    for case in cases:
        per_file.setdefault(case.test_file, []).append(case)
    for path, data in compiled.files.items():
        if path.endswith(".test.yml"):
            assert len(per_file[path]) == len(yaml.safe_load(data)["tests"]), path
    cheapest = [min(found, key=_evaluations) for found in per_file.values()]
    results = run_cases(newest_promtool.path, {p: compiled.files[p] for p in EQUIVALENT_BY_FILE}, cheapest)
    failed = [f"{r.case.title}\n{r.run.output}" for r in results if not r.run.ok]
    assert len(results) == len(per_file) and not failed, "\n\n".join(failed)


@pytest.mark.parametrize("path", sorted(EQUIVALENT_BY_FILE))
def test_every_mutant_of_every_rule_is_killed(compiled, newest_promtool, path):
    promtool = newest_promtool.path
    rule_file = yaml.safe_load(compiled.files[path])
    cases = cases_of(compiled, [r for r in compiled.rules if r.path == path])  # its scenarios, every test file
    every = mutants(rule_file, _evaluation_steps(compiled))
    kinds = {m.change.split(" ")[0] for m in every}
    assert len(every) > 100 and {"for", "window"} <= kinds  # thresholds, operators, windows, `for`
    assert path != RULE_FILE or "offset" in kinds
    def name(mutant) -> str:
        slo = _slo_of(rule_file, mutant.group)
        return mutant.id if slo is None else f"{mutant.group} › {mutant.id}"

    every = every[::SAMPLE_EVERY.get(path, 1)]
    equivalent = {n: why for n, why in EQUIVALENT_BY_FILE[path].items() if n in {name(m) for m in every}}

    kills: Counter = Counter()  # scenario title -> mutants it killed so far (threads share it: only an order)

    def survives(mutant) -> tuple[str, int]:
        slo = _slo_of(rule_file, mutant.group)
        affected = _affected(rule_file, mutant.rule, slo)
        relevant = [c for c in cases if _mentions(_names_in(c), affected)
                    and (slo is None or f'slo="{slo}"' in _names_in(c) or _mentions(_names_in(c), affected - {
                        r["record"] for g in rule_file["groups"] for r in g["rules"] if "record" in r}))]
        # Scenarios that check the changed rule itself first; among them those that killed most mutants so far
        # (a day-long CostSpike scenario costs a second: 31 mutants took 114 runs in title order), then the cheapest.
        relevant.sort(key=lambda c: (not _mentions(_names_in(c), {mutant.rule}), -kills[c.title], _evaluations(c)))
        results = run_cases(promtool, {path: dump_yaml(mutant.data)}, relevant, stop_at_first_failure=True)
        killed = bool(results) and not results[-1].run.ok
        if killed:
            kills[results[-1].case.title] += 1
        return ("" if killed else name(mutant)), len(relevant)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outcomes = list(pool.map(survives, every))
    assert all(n > 0 for _, n in outcomes), "a rule with no scenario mentioning it"
    survivors = {s for s, _ in outcomes if s}
    assert survivors - set(equivalent) == set(), "mutants no test notices (add scenarios):\n" + "\n".join(
        sorted(survivors - set(equivalent)))
    assert survivors == set(equivalent), f"killed now, remove from EQUIVALENT: {set(equivalent) - survivors}"
    print(f"\n{len(every)} mutants, {len(every) - len(survivors)} killed, {len(survivors)} equivalent")
