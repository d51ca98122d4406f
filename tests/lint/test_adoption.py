"""Adopting the linter on a repository that has dashboards and rules already: no catalog, per-repository settings,
and a baseline of today's problems."""

from __future__ import annotations

import json
import textwrap

import pytest

from generator.errors import GeneratorError
from generator.lint.config import LintConfig
from generator.lint.registry import check_names
from tests.conftest import run_cli
from tests.lint.helpers import alert, rules, write

RULES = rules(alert("sum(rate(unknown_requests_total[5m])) > 1", **{"for": "10s"}))


def _project(tmp_path, lint_table: str = "") -> None:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"""
        [project]
        name = "adopter"
        [tool.generator]
        catalog = "catalog"
        {lint_table}
        """))


def test_without_a_catalog_no_metric_is_unknown(tmp_path):
    path = write(tmp_path, "rules.yml", RULES)
    result = run_cli("lint", "--no-catalog", "--format", "json", path, cwd=str(tmp_path))
    checks = {p["check"] for p in json.loads(result.stdout)}
    assert "promql/unknown-metric" not in checks
    assert "alert/for-too-short" in checks  # checks that need no catalog still run


def test_without_a_catalog_and_outside_a_repository_lint_says_what_to_pass(tmp_path):
    path = write(tmp_path, "rules.yml", RULES)
    result = run_cli("lint", path, cwd=str(tmp_path))
    assert result.returncode == 2 and "--no-catalog" in result.stderr


def test_repository_settings_disable_change_severity_and_ignore(tmp_path):
    _project(tmp_path, textwrap.dedent("""
        [tool.generator.lint]
        disable = ["alert/for-too-short"]
        severity = { "alert/missing-annotation" = "error" }
        ignore = ["vendor/*"]
        """))
    (tmp_path / "vendor").mkdir()
    kept = write(tmp_path, "rules.yml", rules(alert(annotations={"summary": "s", "description": "d"},
                                                     **{"for": "10s"})))
    ignored = write(tmp_path / "vendor", "broken.yml", "groups: [")
    result = run_cli("lint", "--no-catalog", "--format", "json", kept, ignored, cwd=str(tmp_path))
    problems = json.loads(result.stdout)
    assert {p["check"] for p in problems} == {"alert/missing-annotation"}  # runbook_url, dashboard_url
    assert {p["severity"] for p in problems} == {"error"}  # info by default, error here
    assert all("vendor" not in p["file"] for p in problems)


def test_settings_name_every_mistake():
    with pytest.raises(GeneratorError) as info:
        LintConfig.from_settings({"disable": ["alert/no-such-check"], "severity": {"alert/missing-for": "fatal"},
                                  "colour": True}, check_names())
    message = str(info.value)
    assert "alert/no-such-check" in message and "'fatal'" in message and "`colour`" in message


def test_a_baseline_reports_only_new_problems_and_survives_line_shifts(tmp_path):
    path = write(tmp_path, "rules.yml", RULES)
    baseline = str(tmp_path / "lint-baseline.json")
    first = run_cli("lint", "--no-catalog", "--baseline", baseline, path, cwd=str(tmp_path))
    assert first.returncode == 0 and "wrote" in first.stderr
    recorded = json.load(open(baseline))["problems"]
    assert recorded and all("line" not in p for p in recorded)

    text = open(path).read()
    open(path, "w").write("# a comment that moves every line down\n\n" + text)
    again = run_cli("lint", "--no-catalog", "--baseline", baseline, path, cwd=str(tmp_path))
    assert again.returncode == 0 and again.stdout.strip().endswith("0 errors, 0 warnings, 0 infos")

    worse = rules(alert("sum(rate(unknown_requests_total[5m])) > 1", **{"for": "10s"}),
                  dict(alert("sum(rate(x[5m]) > 1"), alert="Broken"))
    write(tmp_path, "rules.yml", worse)
    new = run_cli("lint", "--no-catalog", "--baseline", baseline, path, cwd=str(tmp_path))
    assert new.returncode == 1
    assert "[promql/syntax-error]" in new.stdout and "[alert/for-too-short]" not in new.stdout
