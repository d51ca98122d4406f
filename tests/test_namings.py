"""One setting picks the metric naming (`metrics` in [tool.generator]); the same dashboards, alerts, recording
rules and rule tests compile, lint and pass promtool for each (naming.py). The default naming's generated/
is what the repository holds; the GenAI semantic-conventions naming builds in a copy with the setting switched.
Its SLO rules differ from the default's only in their base, so the scenarios of the longer window pairs, which
read the base as the 1h/5m pair's do, are left to the default naming (tests/naming_proofs.py)."""

from __future__ import annotations

import glob
import json
import os
import re

import pytest
import yaml

from generator.build import compile_project
from generator.errors import GeneratorError
from generator.project import Project
from tests.conftest import ROOT, run_cli, switch_naming
from tests.naming_proofs import BASE_SCENARIOS, SLO_FILE, assert_only_the_base_differs

pytestmark = pytest.mark.slow

GENAI = "genai-semconv"


def _switch(project_copy, naming: str = GENAI) -> None:
    switch_naming(project_copy, naming)


def _exprs(generated) -> list[str]:
    out = []
    for name in sorted(os.listdir(generated / "dashboards")):
        data = json.loads((generated / "dashboards" / name).read_text())
        for panel in data["panels"]:
            out += [t["expr"] for t in panel.get("targets", [])]
        out += [v["query"] for v in data["templating"]["list"] if v.get("type") == "query"]
    rules = yaml.safe_load((generated / "rules" / "ai_service.yml").read_text())
    out += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    return out


def _scenario_names(generated) -> set[str]:
    names = set()
    for path in glob.glob(os.path.join(generated, "rules", "ai_service*.test.yml")):
        with open(path, encoding="utf-8") as fh:
            names |= {t["name"] for t in yaml.safe_load(fh)["tests"]}
    return names


def test_the_default_naming_is_the_repository_s():
    project = Project.find(ROOT)
    assert project.metrics == "ai-service"
    assert project.catalog == os.path.join(ROOT, "catalog")
    assert project.traffic == os.path.join(ROOT, "traffic.yml")


def test_genai_naming_builds_lints_and_passes_promtool(project_copy, promtool):
    _switch(project_copy)
    project = Project.find(str(project_copy))
    assert project.catalog == str(project_copy / "catalog" / GENAI)
    build = run_cli("build", cwd=str(project_copy))
    assert build.returncode == 0, build.stdout + build.stderr
    generated = project_copy / "generated"
    assert sorted(os.listdir(generated / "dashboards")) == [
        "ai-cost.json", "ai-debug.json", "ai-feature-detail.json", "ai-overview.json", "ai-slo.json"]
    rules = yaml.safe_load((generated / "rules" / "ai_service.yml").read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    # AIComponentDown has no signal in the conventions (naming.py); the others are the same alerts
    assert alerts == {"HighErrorRate", "HighLatency", "SlowFirstToken", "CostSpike", "HighActiveRequests",
                      "AIServiceNoData"}
    # the panels the conventions have no signal for are left out, and the build says which and why
    assert ('dashboard ai-feature-detail › panel "Truncated answers": the conventions carry finish reasons'
            in build.stdout)
    assert 'dashboard ai-debug › panel "Queue time P95 by model": the conventions define no queue time' in build.stdout

    exprs = "\n".join(_exprs(generated))
    assert "ai_requests_total" not in exprs and "ai_cost_dollars_total" not in exprs
    assert "gen_ai_client_operation_duration_seconds_count" in exprs
    assert "gen_ai_client_estimated_cost_USD_total" in exprs
    assert 'label_replace(rate(gen_ai_client_operation_duration_seconds_count[5m]), "feature"' in exprs
    # the next release's names are read beside v1.41.0's, once per instance (naming.py, Naming.rate)
    assert "unless on (job, instance) rate(gen_ai_client_operation_time_to_first_chunk_seconds_bucket[5m])" in exprs
    assert "gen_ai_client_inference_usage_cache_read_input_tokens_total" in exprs
    # The scenarios are written once (rules/scenarios/): the GenAI naming runs the default naming's, but for those
    # needing what its data says it lacks (component health, an in-flight gauge, a bucket bound at 5 s).
    genai, default = _scenario_names(generated), _scenario_names(os.path.join(ROOT, "generated"))
    assert sorted(genai - default) == [  # what only a naming of two releases and a renamed label needs
        "SlowFirstToken: a service on the next release only: its first tokens are read",
        "SlowFirstToken: mid-migration: an instance sending both releases' names is read once",
        "SlowFirstToken: one instance on each release: both are read, each once",
        "SlowFirstToken: provider mid-migration: a series with the deprecated label only, one with its successor "
        "only and one with both are each counted once, under one provider"]
    assert sorted(default - genai) == sorted(
        [n for n in default if n.startswith("AIComponentDown")] + [
            "HighActiveRequests: a target going stale leaves the sum at once; under the threshold it resolves",
            "HighActiveRequests: a target going stale while the others still exceed the threshold keeps it firing",
            "HighLatency: P95 exactly 5s (19 of 20 requests within 5s) stays silent",
            "HighLatency: P95 just below 5s stays silent",
            "SlowFirstToken: P95 exactly 2.5s (19 of 20 first tokens within 2.5s) stays silent",
            "SlowFirstToken: P95 just below 2.5s stays silent"])
    lint = run_cli("lint", "--format", "json", cwd=str(project_copy))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    problems = json.loads(lint.stdout)
    assert [p for p in problems if p["severity"] == "error"] == []
    # the conventions' many labels are a real cardinality risk, and lint says so; and the TTFT objective reads
    # v1.41.0's name only (an SLO reads one histogram), which lint names with its successor
    assert {p["check"] for p in problems} <= {"catalog/series-budget", "promql/deprecated-name"}
    assert {p["where"].split(" › ")[0] for p in problems if p["check"] == "promql/deprecated-name"} \
        == {"group slo-first-token"}
    # every scenario passes on Prometheus 2 and 3: the SLOs' longer window pairs read the base as the 1h/5m pair's
    # do, and above it the rules are the default naming's (tests/naming_proofs.py)
    assert_only_the_base_differs(compile_project(Project.find(ROOT)), compile_project(project))
    tests = run_cli("test-rules", "--run", BASE_SCENARIOS, cwd=str(project_copy))
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"\n(\d+) of \1 scenarios pass on promtool 2\.[\d.]+, \1 of \1 scenarios pass on promtool 3\."
                     r"[\d.]+ \(\d+ left out by --run\)\n", tests.stdout), tests.stdout[-300:]
    check = run_cli("check", cwd=str(project_copy))
    assert check.returncode == 0, check.stderr


def test_an_slo_rule_above_the_base_that_differs_is_caught():
    """What lets another naming run fewer SLO scenarios: a rule above the base that is not the default's fails."""
    from types import SimpleNamespace

    default = compile_project(Project.find(ROOT))
    text = default.files[SLO_FILE].decode()
    assert_only_the_base_differs(default, SimpleNamespace(files={SLO_FILE: text.replace("ai_requests_total", "x")}))
    changed = text.replace("slo:error_budget:burn_rate1h{", "slo:error_budget:burn_rate6h{", 1)
    assert changed != text
    with pytest.raises(AssertionError, match="reads recorded series only, yet differs"):
        assert_only_the_base_differs(default, SimpleNamespace(files={SLO_FILE: changed}))


def test_switching_back_rebuilds_the_repository_s_bytes(project_copy):
    _switch(project_copy)
    assert run_cli("build", cwd=str(project_copy)).returncode == 0
    _switch(project_copy, "ai-service")
    assert run_cli("build", cwd=str(project_copy)).returncode == 0
    for sub in ("dashboards", "rules"):
        for name in os.listdir(os.path.join(ROOT, "generated", sub)):
            with open(os.path.join(ROOT, "generated", sub, name), "rb") as fh:
                assert (project_copy / "generated" / sub / name).read_bytes() == fh.read(), name


def test_an_unknown_naming_is_a_clear_error(project_copy):
    _switch(project_copy, "llm-metrics")
    with pytest.raises(GeneratorError, match=r"metrics = 'llm-metrics' is not a naming .*known: ai-service, "
                                             r"genai-otlp, genai-otlp-utf8, genai-semconv"):
        Project.find(str(project_copy))
    build = run_cli("build", cwd=str(project_copy))
    assert build.returncode == 1 and "llm-metrics" in build.stderr  # as any other bad [tool.generator] setting


def test_a_naming_overrides_only_its_keys(tmp_path):
    settings = {"metrics": "b", "namings": {"a": {}, "b": {"catalog": "cat-b", "traffic": "b.yml"}}}
    project = Project.from_settings(str(tmp_path), settings)
    assert (project.metrics, project.catalog, project.traffic) == ("b", str(tmp_path / "cat-b"),
                                                                    str(tmp_path / "b.yml"))
    with pytest.raises(GeneratorError, match="unknown keys dashboards"):
        Project.from_settings(str(tmp_path), {"metrics": "a", "namings": {"a": {"dashboards": "x"}}})
