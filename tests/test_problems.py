"""One model of a problem: every producer (build, rules model, rule tests, coverage, catalog loader, linter)
reports generator.problems.Problem objects with a place, printed one way; and a semantic rule shared by the build
and the linter is checked in one place, a gate of the linter's registry."""

from __future__ import annotations

import os
import re

import pytest

from generator.build import compile_project
from generator.catalog import load_catalog
from generator.errors import BuildError, CatalogError
from generator.lint import lint_files
from generator.lint.registry import CHECKS, GATES
from generator.problems import Place, Problem, format_problem
from generator.project import Project
from generator.rules.coverage import coverage_problems
from generator.rules.model import Alert, RuleGroup, validate_group
from generator.source import Location
from tests.conftest import ROOT
from tests.lint.helpers import CATALOG, alert, lint_data, rules

ALERTS_MODULE = "rules/ai_service.py"


def _build_problems(project_copy) -> list[Problem]:
    with pytest.raises(BuildError) as info:
        compile_project(Project.find(str(project_copy)))
    problems = info.value.problems
    assert problems and all(isinstance(p, Problem) for p in problems)
    for p in problems:  # the message lists every problem, formatted the one way
        assert format_problem(p, declaration_first=True) in str(info.value)
    return problems


def test_the_one_format():
    p = Problem("rules/x", "error", "is wrong", Place("a.yml", 3, ("group g", "alert A"), Location("m.py", 7),
                                                         pointer="/groups/0/rules/1"))
    assert format_problem(p) == "a.yml:3: error [rules/x] group g › alert A: is wrong (declared at m.py:7)"
    assert format_problem(p, declaration_first=True) == \
        "m.py:7: error [rules/x] group g › alert A: is wrong (in a.yml#/groups/0/rules/1)"
    assert format_problem(Problem("catalog/invalid", "error", "bad", Place("c.yml"))) == \
        "c.yml: error [catalog/invalid] bad"


def test_lint_reuses_the_shared_problem_type():
    from generator.lint import problem as lint_problem

    assert lint_problem.Problem is Problem and lint_problem.Place is Place


def test_build_reports_problems_with_file_and_line(project_copy):
    (project_copy / "dashboards/empty.py").write_text("x = 1\n")
    (project_copy / "dashboards/broken.py").write_text("x = 1\ny = 1 / 0\n")
    problems = _build_problems(project_copy)
    assert problems[0].check == "build/module-failed"
    assert (problems[0].place.file, problems[0].place.line) == ("dashboards/broken.py", 2)
    os.remove(project_copy / "dashboards/broken.py")
    problems = _build_problems(project_copy)
    assert [(p.check, p.place.file) for p in problems] == [("build/no-dashboard", "dashboards/empty.py")]


def test_the_rule_model_reports_problems_at_the_declaration(tmp_path):
    bad = Alert("lower", "up", for_="5m", severity="critical", summary="", description="d", dashboard="nope")
    problems = validate_group(RuleGroup("g", [bad]), dashboard_uids={"home"},
                              runbook_path=lambda name: str(tmp_path / f"{name}.md"), module="m.py")
    checks = {p.check for p in problems}
    assert {"rules/alert-name", "rules/empty-text", "rules/unknown-dashboard", "rules/missing-runbook"} <= checks
    assert all(p.place.file == __file__ and p.place.line and p.place.path == ("group g", "alert lower")
               for p in problems)


def test_rule_tests_and_coverage_report_problems(project_copy):
    module = project_copy / "rules/ai_service_tests.py"
    module.write_text(module.read_text() + '\nfrom generator.rules import RuleTest, series, silent\n'
                                           'tests.append(RuleTest("typo", series("up", "1x5"), '
                                           'silent("HighErorRate", "1m")))\n')
    problems = _build_problems(project_copy)
    assert [(p.check, p.place.file, p.place.line) for p in problems] == [
        ("ruletests/unknown-alert", "rules/ai_service_tests.py", len(module.read_text().splitlines()))]
    output = compile_project(Project.find(ROOT))
    gaps = coverage_problems(output.rules[0].groups, [], output.rules[0].module)
    assert gaps and all(p.check.startswith("coverage/") and p.place.line for p in gaps)


def test_the_catalog_loader_reports_problems_with_lines(tmp_path):
    (tmp_path / "m.yml").write_text("metrics:\n  app_requests_total:\n    type: countr\n    unit: requests\n"
                                    "    help: h\n    labels: []\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(str(tmp_path))
    [problem] = info.value.problems
    assert (problem.check, problem.place.file, problem.place.line) == ("catalog/invalid", str(tmp_path / "m.yml"), 2)
    assert problem.place.where == "metric app_requests_total"


def test_the_counter_rule_is_one_gate_for_the_loader_and_the_linter(tmp_path):
    (tmp_path / "m.yml").write_text("metrics:\n  app_requests:\n    type: counter\n    unit: requests\n"
                                    "    help: h\n    labels: []\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(str(tmp_path))
    assert [p.check for p in info.value.problems] == ["catalog/counter-without-total"]
    assert "catalog/counter-without-total" in {g.NAME for g in GATES}


def test_a_missing_severity_is_caught_by_the_build_and_by_lint_through_the_same_check(project_copy, tmp_path):
    gate = "alert/missing-severity"
    assert gate in {g.NAME for g in GATES} and set(GATES) <= set(CHECKS)
    # lint, on a rule file
    no_severity = alert()
    del no_severity["labels"]["severity"]
    linted = [p for p in lint_data(tmp_path, rules(no_severity)).problems if p.check == gate]
    assert len(linted) == 1 and linted[0].severity == "error"
    # the build, on Python: the same check, placed at the declaration and at the rendered rule
    path = project_copy / ALERTS_MODULE
    text = path.read_text()
    text = text.replace('severity="critical",', 'severity="",', 1)
    path.write_text(text)
    built = [p for p in _build_problems(project_copy) if p.check == gate]
    assert len(built) == 1
    assert built[0].message == linted[0].message
    assert built[0].place.source.file == ALERTS_MODULE and built[0].place.source.line
    assert re.fullmatch(r"/groups/\d+/rules/\d+", built[0].place.pointer)
    # and the rules model no longer has a rule of its own about severities: it lives in the check only
    model = open(os.path.join(ROOT, "generator/rules/model.py"), encoding="utf-8").read()
    assert "SEVERITIES" not in model and "is not one of" not in model


def test_duplicate_alert_names_are_a_gate_of_the_build(project_copy):
    path = project_copy / ALERTS_MODULE
    text = path.read_text()
    path.write_text(text.replace('"AIServiceNoData",', '"AIComponentDown",', 1))
    problems = [p for p in _build_problems(project_copy) if p.check == "alert/duplicate-name"]
    assert problems and problems[0].place.source.file == ALERTS_MODULE


def test_lint_problems_carry_their_pointer(tmp_path):
    report = lint_files([], CATALOG)
    assert report.problems == []
    report = lint_data(tmp_path, rules(alert(expr="sum(ai_requests_total)")))
    assert report.problems and all(p.place.pointer == "/groups/0/rules/0" for p in report.problems)


def test_a_problem_as_json_is_its_dict():
    """Problem.to_json (what `lint --format json` writes) says exactly what to_dict does: quotes, backslashes,
    control characters and non-ASCII text, unknown lines, a Python declaration or none."""
    import json

    odd = 'a "quoted" \\ back\tslash — naïve ‹›\n{{ $labels.x }}'
    problems = [
        Problem("promql/syntax-error", "error", odd, Place("dash.json", 12, ("dashboard x", odd), None, (1,),
                                                          "/panels/0/targets/1")),
        Problem("alert/missing-for", "warning", "m", Place("rules.yml", None, (), Location("svc/rules.py", 40))),
        Problem("catalog/invalid", "info", "", Place("catalog.yml", None, (), Location("svc/catalog.yml", None))),
    ]
    for problem in problems:
        assert json.loads(problem.to_json()) == problem.to_dict()
        assert list(json.loads(problem.to_json())) == list(problem.to_dict())  # the same keys, in the same order
