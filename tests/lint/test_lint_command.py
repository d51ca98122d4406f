"""The lint command end to end: this repository lints clean, clean files stay clean, formats and exit codes."""

import glob
import json
import os

from generator.build import compile_project
from generator.lint import lint_files, lint_project
from generator.project import Project
from tests.conftest import ROOT, run_cli
from tests.lint.helpers import CATALOG, alert, dashboard, lint_data, panel, rules, write

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
CLEAN = [os.path.join(FIXTURES, f) for f in sorted(os.listdir(FIXTURES))]


def test_repository_lints_clean():
    report = lint_project(Project.find(ROOT))
    assert [f"{p.check}: {p.place.where}: {p.message}" for p in report.problems] == []


def test_repository_objects_point_at_their_python_declaration(project_copy):
    overview = project_copy / "dashboards" / "overview.py"
    overview.write_text(overview.read_text().replace('f"sum({N.active(RATE)})"', '"sum(ai_active_request)"'))
    report = lint_project(Project.find(str(project_copy)))
    [problem] = [p for p in report.problems if p.check == "promql/unknown-metric"]
    assert problem.place.file == "generated/dashboards/ai-overview.json"
    assert problem.place.source.file == "dashboards/overview.py"
    assert "ai_active_requests" in problem.message
    assert report.failed


def test_clean_external_files_have_no_problems():
    report = lint_files(CLEAN, CATALOG)
    assert [f"{p.check}: {p.message}" for p in report.problems] == []


def test_generated_files_lint_clean_as_files():
    output = compile_project(Project.find(ROOT))
    paths = [os.path.join(ROOT, "generated", p) for p in output.files]
    report = lint_files(paths, output.catalog)
    assert [p for p in report.problems if p.severity != "info"] == []


def test_json_format_and_exit_status(tmp_path):
    path = write(tmp_path, "bad.json", dashboard(panel("sum(rate(ai_cost_dollars[5m]))")))
    result = run_cli("lint", "--catalog", os.path.join(ROOT, "catalog"), "--format", "json", path)
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)
    [unknown] = [p for p in problems if p["check"] == "promql/unknown-metric"]
    assert unknown["severity"] == "error" and unknown["file"] == path and unknown["line"] > 1
    assert "ai_cost_dollars_total" in unknown["message"]
    assert {"check", "severity", "file", "message"} <= set(unknown)


def test_clean_files_exit_zero_in_every_format():
    for fmt in ("text", "json", "github"):
        result = run_cli("lint", "--catalog", os.path.join(ROOT, "catalog"), "--format", fmt, *CLEAN)
        assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(run_cli("lint", "--format", "json", *CLEAN).stdout) == []


def test_repository_mode_exits_zero():
    result = run_cli("lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_github_format(tmp_path):
    path = write(tmp_path, "rules.yml", rules(alert(labels={"team": "x"}, **{"for": "10s"})))
    result = run_cli("lint", "--format", "github", path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"::error file={path},line=") and "alert/missing-severity" in line for line in lines)
    assert any(line.startswith("::warning ") and "alert/for-too-short" in line for line in lines)


def test_unreadable_files_are_problems_of_their_own(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00\xff\xfe binary")
    notes = tmp_path / "notes.yml"
    notes.write_text("just: a mapping\n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"panels": [')
    for path in ("/no/such/file.json", str(junk), str(notes), str(broken)):
        result = run_cli("lint", path)
        assert result.returncode == 1, (path, result.stdout, result.stderr)
        assert result.stdout.startswith(f"{path}") and "[lint/unreadable-file]" in result.stdout
        assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path):
    notes = tmp_path / "notes.yml"
    notes.write_text("groups: []\n")
    for args in (["--format", "xml", str(notes)], ["--no-catalog", "--catalog", "catalog", str(notes)]):
        result = run_cli("lint", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip()


def test_list_checks():
    result = run_cli("lint", "--list-checks")
    assert result.returncode == 0
    assert "promql/unknown-metric" in result.stdout and "error" in result.stdout


def test_problems_sort_by_place(tmp_path):
    report = lint_data(tmp_path, dashboard(panel("sum(ai_requests_total)", title=""),
                                           panel("sum(rate(ai_active_requests[5m]))", id=3, description="",
                                                 gridPos={"x": 12, "y": 0, "w": 12, "h": 8})))
    assert report.problems == sorted(report.problems, key=lambda p: p.sort_key())
    lines = [p.place.line for p in report.problems if p.place.line]
    assert lines == sorted(lines)


def test_promtool_test_files_are_recognised_and_left_to_promtool():
    tests = sorted(glob.glob(os.path.join(ROOT, "generated", "rules", "*.test.yml")))
    assert tests
    result = run_cli("lint", *tests)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_directory_stands_for_the_files_under_it(tmp_path):
    """`lint dir/` lints its dashboards and rule files, in subfolders too (hidden ones left out); a directory
    holding none is one problem, and the other inputs are still linted."""
    (tmp_path / "team" / "rules").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "empty").mkdir()
    bad = write(tmp_path / "team", "bad.json", dashboard(panel("sum(rate(ai_cost_dollars[5m]))")))
    write(tmp_path / "team" / "rules", "alerts.yaml", rules(alert(labels={"team": "x"})))
    write(tmp_path / ".git", "hidden.json", dashboard(panel("sum(rate(ai_cost_dollars[5m]))")))
    (tmp_path / "team" / "notes.txt").write_text("not linted")
    result = run_cli("lint", "--catalog", os.path.join(ROOT, "catalog"), "--format", "json",
                     str(tmp_path / "team"), str(tmp_path / "empty"), str(tmp_path / ".git"))
    problems = json.loads(result.stdout)
    files = {p["file"] for p in problems}
    assert bad in files and str(tmp_path / "team" / "rules" / "alerts.yaml") in files
    assert not any(f.endswith("notes.txt") for f in files)
    [empty] = [p for p in problems if p["file"] == str(tmp_path / "empty")]
    assert empty["check"] == "lint/unreadable-file" and "without dashboard JSON or rule YAML" in empty["message"]
    # A hidden directory named on the command line is linted: only folders found while walking are skipped.
    assert str(tmp_path / ".git" / "hidden.json") in files
    assert result.returncode == 1
