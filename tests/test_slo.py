"""SLOs and spend budgets (generator.rules.slo): the rules generated for the service's objectives, and the build
problems of objectives the catalog or the workbook refuse."""

import re

import pytest
import yaml

from generator.build import compile_project
from generator.project import Project
from generator.rules.slo import WORKBOOK
from tests.conftest import ROOT, run_cli, snapshot

WINDOWS = {("1h", "5m", 14.4, "2m", "critical"), ("6h", "30m", 6, "15m", "critical"),
           ("1d", "2h", 3, "30m", "warning"), ("3d", "6h", 1, "1h", "warning")}


@pytest.fixture(scope="module")
def output():
    return compile_project(Project.find(ROOT))


def test_every_objective_and_budget_has_the_workbooks_four_alerts(output):
    data = yaml.safe_load(output.files["rules/slos.yml"])
    alerts = [r for g in data["groups"] for r in g["rules"] if "alert" in r]
    by_slo: dict[str, set] = {}
    for alert in alerts:
        labels = alert["labels"]
        long, short = labels["long"], labels["short"]
        m = re.fullmatch(rf'(\S+){long}\{{slo="([\w-]+)"\}} > (\S+) \* ?(\S+)?\nand\n(\S+){short}\{{slo="\2"\}} > .*',
                         alert["expr"], re.S) or re.fullmatch(
            rf'(\S+){long}\{{slo="([\w-]+)"\}} > (\S+)\nand\n(\S+){short}\{{slo="\2"\}} > \3', alert["expr"])
        assert m, alert["expr"]
        assert m.group(2) == labels["slo"]
        by_slo.setdefault(labels["slo"], set()).add((long, short, float(m.group(3)), alert["for"], labels["severity"]))
        assert set(alert["annotations"]) == {"summary", "description", "runbook_url", "dashboard_url"}
        assert alert["annotations"]["dashboard_url"].endswith("/d/ai-slo")
        assert alert["annotations"]["runbook_url"].endswith(("/SLOBudgetBurn.md", "/SpendBudgetBurn.md"))
    assert set(by_slo) == {"availability", "latency", "first-token", "monthly-spend"}
    assert all(windows == WINDOWS for windows in by_slo.values()), by_slo
    assert {(w.long, w.short, w.factor, w.for_) for w in WORKBOOK} == {w[:4] for w in WINDOWS}


def test_the_latency_bucket_matches_both_spellings_of_its_bound(output):
    """Prometheus 3 writes le="10" as le="10.0": the selector matches both (a generated promtool scenario feeds
    it le="10.0")."""
    text = output.files["rules/slos.yml"].decode()
    assert 'ai_request_duration_seconds_bucket{job="ai-service",le=~"10|10\\\\.0"}' in text
    scenarios = output.files["rules/slos.every-5m.test.yml"].decode()
    assert 'le="10.0"' in scenarios


def test_longer_windows_read_only_the_recorded_five_minute_series(output):
    data = yaml.safe_load(output.files["rules/slos.yml"])
    raw = re.compile(r"\b(ai_\w+)\{")
    for group in data["groups"]:
        readers = [r["record"] for r in group["rules"] if "record" in r and raw.search(r["expr"])]
        assert all(name.endswith("rate5m") for name in readers), readers  # the raw series are read once


BROKEN = {
    "slo/unknown-metric": ('total=N.series("requests", SERVICE)', 'total="ai_calls_total"'),
    "slo/unknown-label": ('by=[N.label("feature")]', 'by=["customer"]'),
    "slo/threshold-not-bucket": ("threshold=THRESHOLD,", "threshold=8,"),
    "slo/target": ("target=98.75,", "target=100,"),
    "slo/window-too-short": ("target=95,", 'target=95,\n        window="1d",'),
}


@pytest.mark.parametrize("check", sorted(BROKEN))
def test_a_broken_objective_is_a_build_problem_at_its_declaration(project_copy, check):
    before = snapshot(project_copy / "generated")
    module = project_copy / "rules/slos.py"
    old, new = BROKEN[check]
    text = module.read_text()
    assert old in text
    module.write_text(text.replace(old, new, 1))
    result = run_cli("build", cwd=str(project_copy))
    assert result.returncode == 1, result.stderr
    assert re.search(rf"rules/slos.py:\d+: error \[{re.escape(check)}\] objective [\w-]+: ", result.stderr), \
        result.stderr
    assert snapshot(project_copy / "generated") == before
