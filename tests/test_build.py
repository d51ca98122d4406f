"""The compiler: reproducible, schema-valid, atomic, and honest about staleness."""

import json
import os
import re
import subprocess
import textwrap

import pytest
import yaml

from generator.build import compile_project
from generator.errors import BuildError
from generator.output import stale_files, write_output
from generator.project import Project
from tests.conftest import ROOT, run_cli, snapshot

EXPECTED_ALERTS = {  # PRODUCT.md's table, plus the silent-failure alerts and the slow first token (issue 23)
    "HighErrorRate": ("2m", "critical"),
    "HighLatency": ("5m", "warning"),
    "SlowFirstToken": ("5m", "warning"),
    "CostSpike": ("30m", "warning"),
    "HighActiveRequests": ("5m", "warning"),
    "AIServiceNoData": ("5m", "critical"),
    "AIComponentDown": ("2m", "warning"),
}


@pytest.fixture(scope="module")
def output():
    return compile_project(Project.find(ROOT))


def test_generated_is_up_to_date_in_the_repository(output):
    """CI fails when someone edits dashboards/ or rules/ without committing the rebuilt generated/."""
    assert stale_files(Project.find(ROOT), output) == []


def test_two_builds_are_identical_byte_for_byte(output, project_copy):
    again = compile_project(Project.find(ROOT))
    assert again.files == output.files
    other = compile_project(Project.find(str(project_copy)))  # another directory, another process state
    assert other.files == output.files
    for content in output.files.values():
        assert content.endswith(b"\n")


def test_output_files(output):
    assert sorted(output.files) == [
        "dashboards/ai-cost.json", "dashboards/ai-debug.json", "dashboards/ai-feature-detail.json",
        "dashboards/ai-overview.json", "dashboards/ai-slo.json", "rules/ai_service.every-1m.test.yml",
        "rules/ai_service.test.yml", "rules/ai_service.yml", "rules/slos.every-1m.test.yml",
        "rules/slos.every-5m.test.yml", "rules/slos.every-7h.test.yml", "rules/slos.test.yml", "rules/slos.yml",
    ]


def test_every_dashboard_passes_grafanas_schema(output, dashboard_validator):
    for uid, compiled in output.dashboards.items():
        errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in dashboard_validator.iter_errors(compiled.data)]
        assert errors == [], uid


def test_dashboards_follow_the_house_rules(output):
    for uid, compiled in output.dashboards.items():
        data = compiled.data
        variables = {v["name"]: v for v in data["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        ids = [p["id"] for p in data["panels"]]
        assert len(ids) == len(set(ids)), uid
        # every dashboard links to the others; the SLO dashboard is linked from Overview and Cost only
        assert {link["url"] for link in data["links"]} == {
            f"/d/{u}" for u in output.dashboards if u != uid and (u != "ai-slo" or uid in ("ai-overview", "ai-cost"))}
        assert all(link["keepTime"] and link["includeVars"] for link in data["links"])
        for panel in data["panels"]:
            if panel["type"] == "row":
                continue
            where = f"{uid}/{panel['title']}"
            assert panel["description"], where
            assert panel["fieldConfig"]["defaults"].get("unit"), where
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, where
            assert panel["targets"], where
            for t in panel["targets"]:
                assert t["datasource"] == panel["datasource"], where
                # windows follow the time picker, except the ones an alert shares on purpose ([1h] offset 1d)
                for window in re.findall(r"\[([^\]]+)\]", t["expr"]):
                    assert window.startswith("$__") or window == "1h", (where, t["expr"])
        for v in variables.values():
            if v["type"] == "query":
                assert v["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


def test_variables_where_they_belong(output):
    names = {uid: [v["name"] for v in c.data["templating"]["list"]] for uid, c in output.dashboards.items()}
    assert names == {
        "ai-overview": ["datasource"],
        "ai-feature-detail": ["datasource", "feature", "model"],
        "ai-cost": ["datasource", "feature"],
        "ai-debug": ["datasource", "feature", "model"],
        "ai-slo": ["datasource", "slo"],
    }


def test_panels_do_not_overlap_and_stay_on_the_grid(output):
    for uid, compiled in output.dashboards.items():
        cells = {}
        for panel in compiled.data["panels"]:
            g = panel["gridPos"]
            assert 0 <= g["x"] and g["x"] + g["w"] <= 24, (uid, panel["title"])
            for x in range(g["x"], g["x"] + g["w"]):
                for y in range(g["y"], g["y"] + g["h"]):
                    assert (x, y) not in cells, (uid, panel["title"], cells.get((x, y)))
                    cells[(x, y)] = panel["title"]


def test_rule_file_passes_promtool(output, each_promtool, tmp_path):
    for compiled in output.rules:
        path = tmp_path / os.path.basename(compiled.path)
        path.write_bytes(output.files[compiled.path])
        result = subprocess.run([each_promtool.path, "check", "rules", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_have_the_products_for_and_severity(output):
    data = yaml.safe_load(output.files["rules/ai_service.yml"])
    alerts = {r["alert"]: r for g in data["groups"] for r in g["rules"] if "alert" in r}
    assert {name: (r["for"], r["labels"]["severity"]) for name, r in alerts.items()} == EXPECTED_ALERTS
    for name, rule in alerts.items():
        assert set(rule["annotations"]) >= {"summary", "description", "runbook_url", "dashboard_url"}, name


def test_runbooks_exist_and_dashboard_urls_name_generated_uids(output):
    project = Project.find(ROOT)
    for group in output.groups:
        for alert in group.alerts:
            url = project.runbook_url_for(alert.runbook_name)  # SLO alerts share one runbook per kind
            assert url.endswith(f"docs/runbooks/{alert.runbook_name}.md")
            path = project.runbook_path(alert.runbook_name)
            assert os.path.isfile(path), path
            with open(path) as fh:
                assert "What to check first" in fh.read(), path
            assert alert.dashboard in output.dashboards
    data = yaml.safe_load(output.files["rules/ai_service.yml"])
    for rule in (r for g in data["groups"] for r in g["rules"] if "alert" in r):
        uid = rule["annotations"]["dashboard_url"].rsplit("/d/", 1)[1]
        assert f"dashboards/{uid}.json" in output.files


# ---------------------------------------------------------------------------------------------------------------
# Staleness and atomicity, on a scratch copy of the repository


def test_check_reports_stale_missing_and_extra_files(project_copy):
    assert run_cli("check", cwd=str(project_copy)).returncode == 0
    (project_copy / "generated/dashboards/ai-cost.json").write_text("{}\n")
    (project_copy / "generated/dashboards/old-dashboard.json").write_text("{}\n")
    os.remove(project_copy / "generated/rules/ai_service.yml")
    result = run_cli("check", cwd=str(project_copy))
    assert result.returncode == 1
    assert "generated/dashboards/ai-cost.json: differs from a build" in result.stderr
    assert "generated/dashboards/old-dashboard.json: not written by a build (extra)" in result.stderr
    assert "generated/rules/ai_service.yml: missing" in result.stderr
    assert run_cli("build", cwd=str(project_copy)).returncode == 0
    assert run_cli("check", cwd=str(project_copy)).returncode == 0
    assert not (project_copy / "generated/dashboards/old-dashboard.json").exists()


def test_editing_a_panel_title_makes_check_fail_until_the_next_build(project_copy):
    module = project_copy / "dashboards/cost.py"
    module.write_text(module.read_text().replace('"Hourly burn"', '"Hourly spend"'))
    result = run_cli("check", cwd=str(project_copy))
    assert result.returncode == 1 and "generated/dashboards/ai-cost.json: differs from a build" in result.stderr
    assert run_cli("build", cwd=str(project_copy)).returncode == 0
    assert run_cli("check", cwd=str(project_copy)).returncode == 0
    assert '"title": "Hourly spend"' in (project_copy / "generated/dashboards/ai-cost.json").read_text()


def test_a_module_that_raises_leaves_generated_untouched(project_copy):
    before = snapshot(project_copy / "generated")
    (project_copy / "dashboards/broken.py").write_text(textwrap.dedent("""\
        from generator import panels as P

        def helper():
            return 1 / 0

        dashboard = helper()
    """))
    result = run_cli("build", cwd=str(project_copy))
    assert result.returncode == 1
    assert "dashboards/broken.py:4: error [build/module-failed] ZeroDivisionError" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project_copy / "generated") == before


def test_a_syntax_error_names_file_and_line(project_copy):
    (project_copy / "rules/bad.py").write_text("groups = [\n  oops oops\n]\n")
    result = run_cli("build", cwd=str(project_copy))
    assert result.returncode == 1 and "rules/bad.py:2: error [build/syntax-error] syntax error" in result.stderr


def test_an_invalid_rule_names_its_declaration_and_writes_nothing(project_copy):
    before = snapshot(project_copy / "generated")
    module = project_copy / "rules/ai_service.py"
    text = module.read_text()
    summary = 'summary="{{ $labels.feature }}: {{ $value | humanizePercentage }}'
    text = text.replace(f'severity="critical",\n        {summary}', f'severity="page",\n        {summary}')
    text = text.replace("""sum by (feature) ({N.relabel(f"rate({N.series('requests')}[5m])", "feature")})""",
                        """sum by (feature) ({N.relabel(f"rate({N.series('requests')}[5m])", "feature")}""")
    module.write_text(text)
    result = run_cli("build", cwd=str(project_copy))
    assert result.returncode == 1
    lines = text.splitlines()
    alert_line = next(i for i, line in enumerate(lines, 1)
                      if line.strip() == "Alert(" and '"HighErrorRate"' in lines[i])
    record_line = next(i for i, line in enumerate(lines, 1) if 'Recording("feature:ai_requests:rate5m"' in line)
    # the severity is a gate (generator.lint.gates): the same check as `lint`, placed at the Python declaration
    assert re.search(rf"rules/ai_service.py:{alert_line}: error \[alert/missing-severity\] group [\w-]+ › "
                     r"alert HighErrorRate: severity 'page' is not one of", result.stderr), result.stderr
    assert re.search(rf"rules/ai_service.py:{record_line}: error \[rules/invalid-expression\] group [\w-]+ › "
                     r"record feature:ai_requests:rate5m: expression does not parse", result.stderr), result.stderr
    assert snapshot(project_copy / "generated") == before


def test_an_alert_pointing_at_an_unknown_dashboard_or_without_runbook_fails(project_copy):
    module = project_copy / "rules/ai_service.py"
    module.write_text(module.read_text().replace("dashboard=COST,", 'dashboard="no-such-uid",'))
    os.remove(project_copy / "docs/runbooks/HighLatency.md")
    result = run_cli("build", cwd=str(project_copy))
    assert result.returncode == 1
    assert "[rules/unknown-dashboard] group ai-service-alerts › alert CostSpike: dashboard 'no-such-uid' is not a " \
           "generated dashboard uid" in result.stderr
    assert "[rules/missing-runbook] group ai-service-alerts › alert HighLatency: no runbook; write " \
           "docs/runbooks/HighLatency.md" in result.stderr


def test_write_output_replaces_the_directory_and_reports_changes(project_copy):
    project = Project.find(str(project_copy))
    output = compile_project(project)
    assert write_output(project, output) == []
    (project_copy / "generated/dashboards/ai-debug.json").write_text("{}")
    assert write_output(project, output) == ["generated/dashboards/ai-debug.json"]
    assert json.loads((project_copy / "generated/dashboards/ai-debug.json").read_text())["uid"] == "ai-debug"
    assert not [p for p in os.listdir(project_copy) if p.startswith(".generated")]


def test_build_error_is_a_build_error_in_process(project_copy):
    (project_copy / "dashboards/empty.py").write_text("x = 1\n")
    with pytest.raises(BuildError,
                       match=r"dashboards/empty.py: error \[build/no-dashboard\] defines no `dashboard`"):
        compile_project(Project.find(str(project_copy)))


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "check"):
        assert command in result.stdout


def test_write_output_puts_the_old_directory_back_when_the_swap_fails(project_copy, monkeypatch):
    import generator.output as output_module

    project = Project.find(str(project_copy))
    output = compile_project(project)
    (project_copy / "generated/dashboards/ai-debug.json").write_text("{}")
    before = snapshot(project_copy / "generated")
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the staging directory into place
            raise OSError("disk full")
        return real_rename(src, dst)

    monkeypatch.setattr(output_module.os, "rename", rename)
    with pytest.raises(OSError, match="disk full"):
        write_output(project, output)
    monkeypatch.setattr(output_module.os, "rename", real_rename)
    assert snapshot(project_copy / "generated") == before
    assert not [p for p in os.listdir(project_copy) if p.startswith(".generated")]
