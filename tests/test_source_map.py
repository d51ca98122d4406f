"""The build's source map: every compiled object's JSON pointer -> the Python line that declared it and its
suppressions. The linter finds declarations and Python suppressions through it, and through nothing else."""

from __future__ import annotations

import os
import textwrap

import attr
import grafanalib.core as G

from generator.build import compile_project
from generator.lint import lint_project
from generator.project import Project
from generator.source import Location
from tests.conftest import ROOT

EXTRA = textwrap.dedent('''\
    from generator import panels as P

    dashboard = P.dashboard(
        uid="extra",
        title="Extra",
        description="A dashboard of the source-map tests.",
        rows=[
            P.row(
                "Raw",
                P.stat("Raw count", "Requests since the process started.", "short",
                       P.target("sum(ai_requests_total)")),
                P.stat("Raw but meant", "Requests since the process started, on purpose.", "short",
                       P.target("sum(ai_errors_total)",
                                suppress={"promql/raw-counter": "a lifetime total, on purpose"})),
                P.stat("Whole panel", "Requests since the process started, on purpose.", "short",
                       "sum(ai_cost_dollars_total)", suppress={"promql/raw-counter": "lifetime cost"}),
            ),
        ],
    )
''')


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _with_extra(project_copy) -> Project:
    (project_copy / "dashboards/extra.py").write_text(EXTRA)
    return Project.find(str(project_copy))


def test_every_panel_target_and_rule_has_a_pointer_to_its_declaration():
    project = Project.find(ROOT)
    output = compile_project(project)
    for compiled in output.dashboards.values():
        assert compiled.sources[""].location.file == compiled.module
        for i, panel in enumerate(compiled.data["panels"]):
            declaration = compiled.sources[f"/panels/{i}"]
            assert declaration.location.file == compiled.module and declaration.location.line, panel["title"]
            for j, _ in enumerate(panel.get("targets", [])):
                assert compiled.sources[f"/panels/{i}/targets/{j}"].location.file == compiled.module
    for compiled in output.rules:
        for g, group in enumerate(compiled.data["groups"]):
            for r, _ in enumerate(group["rules"]):
                declared = compiled.groups[g].rules[r].declared_at.relative_to(project.root)
                assert compiled.sources[f"/groups/{g}/rules/{r}"].location == declared


def test_lint_finds_the_python_line_of_a_panel_target(project_copy):
    project = _with_extra(project_copy)
    report = lint_project(project)
    raw = [p for p in report.problems if p.check == "promql/raw-counter"]
    assert len(raw) == 1, [str(p) for p in report.problems]
    assert raw[0].place.pointer == "/panels/1/targets/0"
    assert raw[0].place.file == "generated/dashboards/extra.json"
    line = _line(EXTRA, 'P.target("sum(ai_requests_total)")')
    assert raw[0].place.source == Location("dashboards/extra.py", line)


def test_python_suppressions_on_a_target_and_on_a_panel_work(project_copy):
    report = lint_project(_with_extra(project_copy))
    reasons = sorted(p.suppressed_by for p in report.suppressed if p.check == "promql/raw-counter")
    assert reasons == ["a lifetime total, on purpose", "lifetime cost"]
    whole = next(p for p in report.suppressed if p.suppressed_by == "lifetime cost")
    assert whole.place.pointer == "/panels/3/targets/0"
    assert whole.place.source.file == "dashboards/extra.py"


def test_an_unused_python_suppression_points_at_its_declaration(project_copy):
    text = EXTRA.replace('"sum(ai_cost_dollars_total)"', '"sum(rate(ai_cost_dollars_total[5m]))"')
    (project_copy / "dashboards/extra.py").write_text(text)
    report = lint_project(Project.find(str(project_copy)))
    unused = [p for p in report.problems if p.check == "lint/unused-suppression"]
    assert len(unused) == 1
    assert unused[0].place.source == Location("dashboards/extra.py", _line(text, 'P.stat("Whole panel"'))


def test_lint_finds_the_python_line_of_an_alert(project_copy):
    path = project_copy / "rules/ai_service.py"
    old = 'for_="5m",\n        severity="critical",\n        summary="The AI service reports no metrics"'
    assert old in path.read_text()
    text = path.read_text().replace(old, old.replace('"5m"', '"15s"'))
    path.write_text(text)
    report = lint_project(Project.find(str(project_copy)))
    flagged = [p for p in report.problems if p.check == "alert/for-too-short" and "AIServiceNoData" in p.place.where]
    assert flagged, [str(p) for p in report.problems]
    line = _line(text, '"AIServiceNoData"') - 1  # Alert( is the line above the name
    assert flagged[0].place.source == Location("rules/ai_service.py", line)
    assert flagged[0].place.pointer.startswith("/groups/") and "/rules/" in flagged[0].place.pointer


def test_helpers_set_no_private_attributes_on_grafanalib_objects(project_copy):
    from generator import content

    project = _with_extra(project_copy)
    try:
        dash = content.load(project.root, os.path.join(project.dashboards, "extra.py")).dashboard
    finally:
        content.forget(project.root)
    objects = [dash, *dash.panels, *(t for p in dash.panels for t in getattr(p, "targets", []))]
    for obj in objects:
        assert isinstance(obj, (G.Dashboard, G.Panel, G.Target))
        fields = {a.name for a in attr.fields(type(obj))}
        assert set(vars(obj)) <= fields, set(vars(obj)) - fields  # only declared attrs fields, nothing stuck on
        assert obj.declared_at is not None
