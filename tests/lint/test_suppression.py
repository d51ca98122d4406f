"""Suppression is explicit, per object, with a reason; useless or reasonless suppressions are reported."""

from generator.lint import lint_project
from generator.project import Project
from tests.lint.helpers import alert, checks_of, dashboard, lint_data, panel, rules

RAW = "sum by (feature) (ai_requests_total)"


def test_target_suppression_in_json(tmp_path):
    p = panel(RAW)
    p["targets"][0]["lintIgnore"] = {"promql/raw-counter": "shows requests since the last restart on purpose"}
    report = lint_data(tmp_path, dashboard(p))
    assert "promql/raw-counter" not in checks_of(report)
    assert [s.suppressed_by for s in report.suppressed] == ["shows requests since the last restart on purpose"]


def test_panel_suppression_covers_its_targets(tmp_path):
    report = lint_data(tmp_path, dashboard(panel(RAW, lintIgnore={"promql/raw-counter": "totals table"})))
    assert "promql/raw-counter" not in checks_of(report)


def test_unused_unknown_and_reasonless_suppressions(tmp_path):
    p = panel(lintIgnore={"promql/raw-counter": "nothing raw here", "promql/no-such-check": "x",
                          "dashboard/panel-without-unit": ""}, fieldConfig={"defaults": {}})
    report = lint_data(tmp_path, dashboard(p))
    checks = checks_of(report)
    assert {"lint/unused-suppression", "lint/unknown-check", "lint/suppression-without-reason"} <= checks
    assert report.failed


YAML = """groups:
  - name: g
    rules:
      # lint: ignore alert/no-comparison fires while the feature flag is on, by design
      - alert: FlagOn
        expr: sum by (feature) (rate(ai_requests_total[5m]))
        for: 5m
        labels: {severity: info}
        annotations: {summary: "{{ $labels.feature }}", description: d, runbook_url: r, dashboard_url: d}
      - alert: Other
        expr: sum by (feature) (rate(ai_errors_total[5m]))
        for: 5m
        labels: {severity: info}
        annotations: {summary: s, description: d, runbook_url: r, dashboard_url: d}
"""


def test_yaml_comment_suppresses_only_the_rule_below(tmp_path):
    report = lint_data(tmp_path, YAML)
    flagged = [p.place.path[-1] for p in report.problems if p.check == "alert/no-comparison"]
    assert flagged == ["alert Other"]
    assert [s.suppressed_by for s in report.suppressed] == ["fires while the feature flag is on, by design"]


def test_python_suppression_on_a_rule(project_copy):
    path = project_copy / "rules" / "ai_service.py"
    text = path.read_text().replace(
        'dashboard=OVERVIEW,\n    ),\n    Alert(\n        "AIServiceNoData"',
        'dashboard=OVERVIEW,\n        suppress={"alert/no-comparison": "no reason to"},\n    ),\n'
        '    Alert(\n        "AIServiceNoData"', 1)
    assert "suppress=" in text
    path.write_text(text)
    report = lint_project(Project.find(str(project_copy)))
    [unused] = [p for p in report.problems if p.check == "lint/unused-suppression"]
    assert unused.place.source.file == "rules/ai_service.py"


def test_rule_suppression_does_not_leak(tmp_path):
    report = lint_data(tmp_path, rules(alert("sum(rate(ai_errors_total[5m]))")))
    assert "alert/no-comparison" in checks_of(report)
