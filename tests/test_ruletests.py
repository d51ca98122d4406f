"""Rule unit tests: declared in Python, compiled to promtool's format, covered, and run scenario by scenario."""

from __future__ import annotations

import glob
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from generator import tools
from generator.build import compile_project
from generator.errors import BuildError
from generator.problems import format_problem
from generator.project import Project
from generator.rules import testrun
from generator.rules.coverage import coverage_problems
from generator.rules.scenarios import counter_values, rate_reads, reads_exactly
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def output():
    return compile_project(Project.find(ROOT))


def _pass_whole(promtool: str, files: list[str]) -> None:
    """One promtool per file, two at a time (the machine's cores), the biggest first: as a reviewer runs them, in
    about the time of the longest file."""
    files = sorted(files, key=os.path.getsize, reverse=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda f: subprocess.run([promtool, "test", "rules", f], capture_output=True,
                                                         text=True, timeout=600), files))
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.count("SUCCESS") == 1


def test_the_generated_test_files_pass_alone(newest_promtool):
    """`promtool test rules generated/rules/*.test.yml` works on its own, as CI or a reviewer runs it."""
    files = glob.glob(os.path.join(ROOT, "generated", "rules", "*.test.yml"))
    assert len(files) == 6  # ai_service: every 15 s and 1 m; slos: every 15 s, 1 m, 5 m and 7 h (45 days)
    _pass_whole(newest_promtool.path, files)


def test_every_scenario_passes_on_prometheus_2_too(promtool, output):
    """On Prometheus 2 every scenario passes as `test-rules` runs it (alone, against the groups it can observe:
    generator/rules/observed.py), and files whose groups every scenario observes pass whole: the SLO files'
    scenarios of one objective each run against that objective's group, in half the time of the whole file, which
    Prometheus 3's promtool runs above."""
    report = testrun.test_rules(Project.find(ROOT), tiers=["2"])
    failed = [f"{r.case.title}\n{r.run.output}" for r in report.results if not r.run.ok]
    assert report.ok and not failed, "\n\n".join(failed)
    assert len(report.results) == len(testrun.cases_of(output))
    _pass_whole(promtool, glob.glob(os.path.join(ROOT, "generated", "rules", "ai_service*.test.yml")))


def test_test_files_sit_beside_their_rule_file_and_evaluate_groups_in_order(output):
    for path in ("rules/ai_service.test.yml", "rules/ai_service.every-1m.test.yml"):
        data = yaml.safe_load(output.files[path])
        assert data["rule_files"] == ["ai_service.yml"]
        assert data["group_eval_order"] == ["ai-service-recording", "ai-service-alerts"]
        assert all(t["name"] and t["input_series"] for t in data["tests"])
    assert yaml.safe_load(output.files["rules/ai_service.test.yml"])["evaluation_interval"] == "15s"


def test_histogram_inputs_use_the_catalogs_buckets(output):
    buckets = output.catalog.metrics["ai_request_duration_seconds"].buckets
    data = yaml.safe_load(output.files["rules/ai_service.test.yml"])
    test = next(t for t in data["tests"] if "P95 exactly 5s" in t["name"])
    les = [s["series"].split('le="')[1].split('"')[0] for s in test["input_series"] if "_bucket" in s["series"]]
    assert les == [f"{b:g}" for b in buckets] + ["+Inf"]


def test_changing_the_catalogs_buckets_changes_the_tests(project_copy):
    catalog = project_copy / "catalog/metrics.yml"
    catalog.write_text(catalog.read_text().replace("buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5,",
                                                   "buckets: [0.1, 0.25, 0.5, 1, 2, 3, 4, 7.5,"))
    text = compile_project(Project.find(str(project_copy))).files["rules/ai_service.test.yml"].decode()
    inputs = re.findall(r'ai_request_duration_seconds_bucket\{[^}]*\}', text)  # the input series, not expectations
    assert any('le="4"' in s for s in inputs) and not any('le="5"' in s for s in inputs)


def test_counter_values_chain_phases():
    assert counter_values([(20, 5), (10, 0)]) == "0+5x20 100+0x9"
    assert counter_values([(3, 0.5)]) == "0+0.5x3"


def test_every_alert_fires_and_stays_silent_somewhere_and_every_recording_is_checked(output):
    for compiled in output.rules:
        assert coverage_problems(compiled.groups, compiled.tests.tests, compiled.module) == []


def test_coverage_names_the_rule_and_what_is_missing(output):
    compiled = output.rules[0]
    without_latency = [t for t in compiled.tests.tests if "HighLatency" not in t.alerts]
    problems = coverage_problems(compiled.groups, without_latency, compiled.module)
    text = "\n".join(format_problem(p) for p in problems)
    assert "HighLatency: no test where it fires" in text
    assert "HighLatency: no test where it stays silent" in text
    assert "feature:ai_request_duration_seconds:p95_5m: no test checks its value" in text
    assert "feature_model_le:ai_request_duration_seconds_bucket:rate5m: no test checks its value" in text
    assert all(p.place.file.endswith("rules/ai_service.py") and p.place.line for p in problems)
    assert {p.check for p in problems} == {"coverage/never-fires", "coverage/never-silent", "coverage/value-unchecked"}
    assert len(problems) == 4


def test_test_rules_fails_when_rules_have_no_tests(project_copy):
    module = project_copy / "rules/ai_service_tests.py"
    module.write_text(module.read_text() + "\ntests = []\n")
    result = run_cli("test-rules", "ai_service", cwd=str(project_copy))  # its scenarios only: the SLOs' take minutes
    assert result.returncode == 1
    for alert in ("HighErrorRate", "HighLatency", "CostSpike", "HighActiveRequests", "AIServiceNoData",
                  "AIComponentDown"):
        assert f"{alert}: no test where it fires" in result.stderr
        assert f"{alert}: no test where it stays silent" in result.stderr
    assert "job:ai_cost_dollars:increase1h: no test checks its value" in result.stderr


def test_a_test_naming_an_unknown_alert_fails_the_build_with_file_and_line(project_copy):
    module = project_copy / "rules/ai_service_tests.py"
    module.write_text(module.read_text() + '\nfrom generator.rules import RuleTest, series, silent\n'
                                           'tests.append(RuleTest("typo", series("up", "1x5"), '
                                           'silent("HighErorRate", "1m")))\n')
    line = len(module.read_text().splitlines())
    with pytest.raises(BuildError, match=rf"rules/ai_service_tests.py:{line}: error "
                                         r"\[ruletests/unknown-alert\] test 'typo': silent\(\) names alert "
                                         r"'HighErorRate', which this module does not declare"):
        compile_project(Project.find(str(project_copy)))


def test_test_rules_reports_each_scenario_and_explains_a_failure(project_copy):
    module = project_copy / "rules/scenarios/high_error_rate.py"
    text = module.read_text()
    assert 'error_rate_fires("12m", "chat", "48.65%")' in text
    module.write_text(text.replace('error_rate_fires("12m", "chat", "48.65%")',
                                   'error_rate_fires("12m", "chat", "48.66%")'))
    result = run_cli("test-rules", "rules/ai_service.yml", cwd=str(project_copy))
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    versions = [tools.find("promtool", tier).version for tier in ("2", "3")]  # both, each line naming its own
    for version in versions:
        assert f"promtool {version} check rules generated/rules/ai_service.yml: ok" in lines
        assert (f"  FAIL  {version}  HighErrorRate: failures start at 10m; pending for the 2m of `for`, then firing"
                in lines)
        assert f"  PASS  {version}  HighErrorRate: exactly 5% failing (1 in 20 requests) stays silent" in lines
        assert f"  PASS  {version}  CostSpike: exactly twice the same hour yesterday stays silent" in lines
        assert f"55 of 56 scenarios pass on promtool {version}" in result.stderr
    assert not any("slos" in line for line in lines)  # the rule file named, and only its scenarios
    assert result.stdout.count('summary="chat: 48.65% of AI requests fail"') == 2  # promtool's "got", twice
    assert sum(line.startswith("  FAIL") for line in lines) == 2
    assert "FAILED: " in result.stderr


def test_test_rules_without_the_prometheus_3_tier_runs_on_2_and_says_so(tmp_path):
    """A laptop without Go: no .tools/, no PROMTOOL3, no Prometheus 3 on PATH. The scenarios run on promtool 2,
    a note names the tier left out and how to get it, and the run passes."""
    result = run_cli("test-rules", "ai_service", env={"GENERATOR_TOOLS_DIR": str(tmp_path), "PROMTOOL3": "",
                                                      "PATH": os.path.dirname(tools.find("promtool", "2").path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "56 of 56 scenarios pass on promtool 2." in result.stdout and "promtool 3." not in result.stdout
    assert "note: promtool of Prometheus 3 not found: `make tools` builds it from source, which needs Go" \
        in result.stderr


def test_missing_promtool_says_how_to_install_it(tmp_path):
    result = run_cli("test-rules", env={"PATH": str(tmp_path), "PROMTOOL": "", "PROMTOOL3": "",
                                        "GENERATOR_TOOLS_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "promtool not found" in result.stderr
    assert "make tools" in result.stderr and "apt-get install prometheus" in result.stderr


def test_help_lists_test_rules():
    assert "test-rules" in run_cli("--help").stdout


def test_test_rules_of_an_unknown_rule_file_is_a_usage_error():
    result = run_cli("test-rules", "rules/ai_servce.yml")
    assert result.returncode == 2
    assert "no rule file 'rules/ai_servce.yml'" in result.stderr and "generated/rules/slos.yml" in result.stderr


def test_reads_exactly_says_what_promtools_rate_reads(each_promtool, tmp_path):
    """rate_reads' model of rate()'s float arithmetic against promtool 2 and 3: every whole rate from 1 to 80 a
    second, sampled every minute (and every 15 s), reads in promtool exactly what the model says for its major
    version; reads_exactly holds for the GenAI scenario's 76 + 3 + 1 and not for 7 (7.000000000000001 in 2)."""
    promtool = each_promtool.path
    version = subprocess.run([promtool, "--version"], capture_output=True, text=True).stdout
    major = int(re.search(r"version (\d+)\.", version).group(1))
    assert major in (2, 3), version
    tests = []
    for step in (60, 15):
        rates = range(1, 81)
        tests.append({
            "interval": f"{step}s",
            "input_series": [{"series": f'x{{r="{r}"}}', "values": f"0+{r * step}x{600 // step + 5}"} for r in rates],
            "promql_expr_test": [{"expr": "rate(x[5m])", "eval_time": "10m", "exp_samples": [
                {"labels": f'{{r="{r}"}}', "value": rate_reads(r, step)[major - 2]} for r in rates]}],
        })
    path = tmp_path / "rates.test.yml"
    path.write_text(yaml.safe_dump({"rule_files": [], "evaluation_interval": "15s", "tests": tests}))
    result = subprocess.run([promtool, "test", "rules", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(reads_exactly(r, 60) for r in (76, 3, 1)) and not reads_exactly(7, 60)
    assert rate_reads(7, 60)[0] == 7.000000000000001


def test_run_picks_the_scenarios_by_title_as_promtool_does():
    """`test-rules --run REGEX` runs the scenarios whose title the expression finds, and says how many it left out;
    an expression that does not compile, or finds none, is a usage error."""
    picked = run_cli("test-rules", "ai_service", "--run", "^AIServiceNoData: ", "--promtool", "2")
    assert picked.returncode == 0, picked.stdout + picked.stderr
    titles = [line.split("  ", 3)[-1] for line in picked.stdout.splitlines() if line.startswith("  PASS")]
    assert titles and all(t.startswith("AIServiceNoData: ") for t in titles)
    assert re.search(rf"\n{len(titles)} of {len(titles)} scenarios pass on promtool 2\.[\d.]+ \(\d+ left out by "
                     r"--run\)\n", picked.stdout), picked.stdout[-300:]
    for bad, says in (("(", "not a regular expression"), ("^NoSuchAlert", "finds none of the")):
        result = run_cli("test-rules", "--run", bad, "--promtool", "2")
        assert result.returncode == 2 and says in result.stderr, result.stderr
