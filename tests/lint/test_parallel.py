"""Big lints run in two processes; the report must be exactly the one a single process writes."""

import json

from tests.conftest import run_cli


def rule_file(count: int) -> str:
    lines = ["groups:", "  - name: many", "    rules:"]
    for i in range(count):
        if i == 11:  # a suppression that suppresses nothing: must still be reported
            lines += ["      # lint: ignore promql/rate-on-gauge nothing to suppress here",
                      f"      - record: job:ok_{i}:rate5m", "        expr: sum by (job) (rate(ai_requests_total[5m]))"]
        elif i % 7 == 3:  # an unknown metric, suppressed with a reason: the suppression must count as used
            lines += [f"      # lint: ignore promql/unknown-metric generated on purpose {i}",
                      f"      - record: job:bench_{i}:rate5m",
                      f"        expr: sum by (job) (rate(not_a_metric_{i}[5m]))"]
        elif i % 7 == 5:  # a raw counter compared: a real problem
            lines += [f"      - alert: RawCounter{i}", "        expr: ai_requests_total > 5", "        for: 5m",
                      "        labels: {severity: warning}",
                      "        annotations: {summary: s, description: d, runbook_url: r, dashboard_url: u}"]
        else:
            lines += [f"      - record: feature:ok_{i}:rate5m",
                      "        expr: sum by (feature) (rate(ai_requests_total[5m]))"]
    return "\n".join(lines) + "\n"


def test_two_processes_report_what_one_does(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(rule_file(200))
    one = run_cli("lint", "--format", "json", str(path), env={"GENERATOR_LINT_JOBS": "1"})
    two = run_cli("lint", "--format", "json", str(path), env={"GENERATOR_LINT_JOBS": "2"})
    assert one.returncode == two.returncode
    assert one.stdout == two.stdout and one.stderr == two.stderr
    problems = json.loads(two.stdout)
    checks = [p["check"] for p in problems]
    assert checks.count("promql/raw-counter") == len([i for i in range(200) if i % 7 == 5])
    assert "promql/unknown-metric" not in checks  # every one suppressed, in both halves
    assert checks.count("lint/unused-suppression") == 1


def test_files_read_in_two_processes_keep_their_lines_order_and_problems(tmp_path):
    """Many files are read by two processes (forced here): each file's problems keep their lines and
    suppressions, files come back in their order, and an unreadable file is still one problem of its own."""
    paths = []
    for n in range(9):
        path = tmp_path / f"rules-{n}.yml"
        path.write_text(("\n" * n) + rule_file(30))  # every file shifted by n lines
        paths.append(str(path))
    (tmp_path / "broken.yml").write_text("groups: [\n")
    paths.insert(4, str(tmp_path / "broken.yml"))
    one = run_cli("lint", "--format", "json", *paths, env={"GENERATOR_LINT_JOBS": "1"})
    two = run_cli("lint", "--format", "json", *paths, env={"GENERATOR_LINT_JOBS": "2"})
    assert one.stdout == two.stdout and one.returncode == two.returncode == 1
    problems = json.loads(two.stdout)
    [broken] = [p for p in problems if p["file"].endswith("broken.yml")]
    assert broken["check"] == "lint/unreadable-file"
    raw = [(p["file"], p["line"]) for p in problems if p["check"] == "promql/raw-counter"]
    first = {line for file, line in raw if file.endswith("rules-0.yml")}
    assert {line for file, line in raw if file.endswith("rules-3.yml")} == {line + 3 for line in first}
    assert not any(p["check"] in ("promql/unknown-metric", "lint/internal-error") for p in problems)
