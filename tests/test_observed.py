"""Each scenario of `test-rules` runs against the rules it can observe (generator/rules/observed.py): what it
asserts decides, and any doubt keeps every rule."""

from __future__ import annotations

import os

import pytest
import yaml

from generator.build import compile_project
from generator.project import Project
from generator.rules import promtool as P
from generator.rules.observed import observed_groups, observed_rules
from generator.rules.testrun import Case, cases_of, run_cases
from tests.conftest import ROOT

RULES = yaml.safe_dump({"groups": [
    {"name": "slo-a", "rules": [
        {"record": "slo:burn:rate5m", "expr": "sum(rate(a_total[5m]))", "labels": {"slo": "a"}},
        {"alert": "ABurn", "expr": 'slo:burn:rate5m{slo="a"} > 14.4'}]},
    {"name": "slo-b", "rules": [
        {"record": "slo:burn:rate5m", "expr": "sum(rate(b_total[5m]))", "labels": {"slo": "b"}},
        {"alert": "BBurn", "expr": 'slo:burn:rate5m{slo="b"} > 14.4'}]},
    {"name": "rollup", "rules": [
        {"record": "job:a:rate1h", "expr": "avg_over_time(slo:burn:rate5m{slo=\"a\"}[1h])"}]},
    {"name": "pages", "rules": [
        {"alert": "AnyPage", "expr": 'count(ALERTS{alertname="ABurn"}) > 0'}]},
]}).encode()


def _test(alerts=(), exprs=()) -> dict:
    return {"alert_rule_test": [{"alertname": a, "eval_time": "5m"} for a in alerts],
            "promql_expr_test": [{"expr": e, "eval_time": "5m"} for e in exprs]}


def test_an_alert_keeps_its_group_only():
    assert observed_groups([RULES], _test(alerts=["ABurn"])) == {"slo-a"}


def test_a_recording_read_with_another_objectives_label_is_not_observed():
    assert observed_groups([RULES], _test(exprs=['slo:burn:rate5m{slo="b"}'])) == {"slo-b"}
    assert observed_groups([RULES], _test(exprs=["slo:burn:rate5m"])) == {"slo-a", "slo-b"}  # either may answer
    assert observed_groups([RULES], _test(exprs=['slo:burn:rate5m{slo=~"a|b"}'])) == {"slo-a", "slo-b"}


def test_what_a_kept_group_reads_is_kept_too():
    assert observed_groups([RULES], _test(exprs=["job:a:rate1h"])) == {"rollup", "slo-a"}
    # an alert reading ALERTS of another: that alert's group
    assert observed_groups([RULES], _test(alerts=["AnyPage"])) == {"pages", "slo-a"}


def test_alerts_read_without_a_literal_alertname_keep_every_group_with_an_alert():
    assert observed_groups([RULES], _test(exprs=['ALERTS{alertname=~"A.*"}'])) == {"slo-a", "slo-b", "pages"}
    assert observed_groups([RULES], _test(exprs=["count(ALERTS)"])) == {"slo-a", "slo-b", "pages"}


def test_a_template_that_queries_reads_too():
    rules = yaml.safe_dump({"groups": [
        {"name": "a", "rules": [{"alert": "A", "expr": "up == 0", "annotations": {
            "summary": '{{ with query "job:a:rate1h" }}{{ . | first | value }}{{ end }}'}}]},
        {"name": "rollup", "rules": [{"record": "job:a:rate1h", "expr": "sum(rate(a_total[1h]))"}]},
        {"name": "other", "rules": [{"record": "job:b:rate1h", "expr": "sum(rate(b_total[1h]))"}]}]}).encode()
    assert observed_groups([rules], _test(alerts=["A"])) == {"a", "rollup"}


def test_a_kept_group_keeps_only_the_rules_observed_in_their_order():
    assert observed_rules([RULES], _test(exprs=['slo:burn:rate5m{slo="a"}'])) == [{"slo-a": [0]}]  # not ABurn
    assert observed_rules([RULES], _test(alerts=["ABurn"])) == [{"slo-a": [0, 1]}]
    later = yaml.safe_dump({"groups": [{"name": "g", "rules": [
        {"record": "a:ratio", "expr": "a:errors / a:total"},  # reads what the next two record (a step before)
        {"record": "a:total", "expr": "sum(a_total)"},
        {"record": "b:total", "expr": "sum(b_total)"},
        {"record": "a:errors", "expr": "sum(a_errors_total)"}]}]}).encode()
    assert observed_rules([later], _test(exprs=["a:ratio"])) == [{"g": [0, 1, 3]}]
    assert observed_rules([later, RULES], _test(exprs=["b:total"], alerts=["BBurn"])) == [{"g": [2]}, {"slo-b": [0, 1]}]


def test_a_day_long_scenario_of_one_alert_runs_against_that_alert_and_what_it_reads():
    """CostSpike's scenarios read the cost counter only: not the latency histograms' recordings of its file."""
    output = compile_project(Project.find(ROOT))
    case = next(c for c in cases_of(output) if c.title.startswith("CostSpike"))
    kept = observed_rules([output.files["rules/ai_service.yml"]], case.document["tests"][0])
    rules = {g["name"]: g["rules"] for g in yaml.safe_load(output.files["rules/ai_service.yml"])["groups"]}
    names = {g: [rules[g][i].get("record") or rules[g][i]["alert"] for i in kept[0][g]] for g in kept[0]}
    assert names == {"ai-service-recording": ["job:ai_cost_dollars:increase1h"], "ai-service-alerts": ["CostSpike"]}


def test_doubt_keeps_every_group():
    assert observed_groups([RULES], _test(exprs=['{__name__=~"slo:.*"}'])) is None
    assert observed_groups([b"not: [a rule file"], _test(alerts=["ABurn"])) is None
    assert observed_groups([b"groups: 3"], _test(alerts=["ABurn"])) is None
    assert observed_groups([RULES], _test(exprs=["a_total"])) is None  # no group observed: the file as written


def test_every_slo_scenario_observes_its_objectives_group_alone():
    """This repository's SLO rule file holds four objectives' groups; each of its scenarios observes one."""
    output = compile_project(Project.find(ROOT))
    for case in cases_of(output):
        directory = os.path.dirname(case.test_file)
        files = [output.files[os.path.normpath(os.path.join(directory, n))] for n in case.document["rule_files"]]
        kept = observed_groups(files, case.document["tests"][0])
        if case.test_file.startswith("rules/slos"):
            assert kept is not None and len(kept) == 1, (case.title, kept)


@pytest.mark.parametrize("check, shown", [
    ({"alert_rule_test": [{"alertname": "ABurn", "eval_time": "6m", "exp_alerts": []}]}, "alertname: ABurn"),
    ({"promql_expr_test": [{"expr": 'slo:burn:rate5m{slo="a"}', "eval_time": "6m", "exp_samples": [
        {"labels": 'slo:burn:rate5m{slo="a"}', "value": 1}]}]}, "slo:burn:rate5m"),
], ids=["an alert: its group alone", "a recording: without the alert of its group"])
def test_a_pruned_scenario_fails_as_the_whole_file_does(tmp_path, newest_promtool, check, shown):
    """The verdict and promtool's explanation do not depend on the groups and rules left out."""
    scenario = {"interval": "1m", "input_series": [{"series": "a_total", "values": "0+6000x10"},
                                                     {"series": "b_total", "values": "0+6000x10"}], **check}
    document = {"rule_files": ["r.yml"], "evaluation_interval": "1m",
                "group_eval_order": ["slo-a", "slo-b", "rollup", "pages"], "tests": [scenario]}
    [pruned] = run_cases(newest_promtool.path, {"rules/r.yml": RULES}, [Case("rules/r.test.yml", "t", document)])
    (tmp_path / "r.yml").write_bytes(RULES)
    (tmp_path / "r.test.yml").write_text(yaml.safe_dump(document))
    whole = P.test_rules(newest_promtool.path, str(tmp_path / "r.test.yml"))
    assert not pruned.run.ok and not whole.ok
    assert shown in pruned.run.output and ("got:" in pruned.run.output.replace(" ", ""))
    detail = [line for line in whole.output.splitlines() if shown in line or "exp:" in line or "got:" in line]
    assert detail and all(line in pruned.run.output for line in detail), (whole.output, pruned.run.output)
