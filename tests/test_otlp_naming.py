"""A naming pushed over OTLP (generator/otlp.py, naming.py's genai-otlp and genai-otlp-utf8): the catalog as
Prometheus 3's receiver stores it is derived from the genai-semconv catalog and the traffic file's `otel:`
instruments, and the content's queries quote the dotted names. What the receiver really stores is proven by
tests/test_live_otlp.py (the same names), and that the panels have data by tests/test_live_validate.py."""

from __future__ import annotations

import json
import os
import re

import pytest
from conftest import ROOT, content_with_naming, run_cli
from naming_proofs import BASE_SCENARIOS, assert_only_the_base_differs, rules_that_differ, scenarios_of

from generator import names
from generator.build import compile_project
from generator.errors import GeneratorError
from generator.otlp import catalog_of, escape
from generator.project import Project

UTF8 = "genai-otlp-utf8"


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    return {n: Project.find(content_with_naming(tmp_path_factory.mktemp(n), n)) for n in ("genai-otlp", UTF8)}


def test_each_naming_states_its_translation(trees):
    assert {n: (p.ingestion, p.otlp_translation_strategy) for n, p in trees.items()} == {
        "genai-otlp": ("otlp", "UnderscoreEscapingWithSuffixes"), UTF8: ("otlp", "NoUTF8EscapingWithSuffixes")}


def test_the_stored_catalogs_are_derived_not_copied(trees):
    under, dotted = catalog_of(trees["genai-otlp"]), catalog_of(trees[UTF8])
    # the names test_live_otlp.py reads back from Prometheus 3.13.5
    assert {"gen_ai_client_operation_duration_seconds_bucket", "gen_ai_client_token_usage_bucket",
            "gen_ai_client_estimated_cost_USD_total", "target_info"} <= set(under.series_names)
    assert {"gen_ai.client.operation.duration_seconds_bucket", "gen_ai.client.token.usage_bucket",
            "gen_ai.client.estimated_cost_USD_total", "target_info"} <= set(dotted.series_names)
    for catalog in (under, dotted):
        assert catalog.ingestion == "otlp" and "up" not in catalog.metrics  # nothing is scraped
        assert not [label for label in catalog.labels if label.startswith("otel_scope")]
    metric = dotted.metrics["gen_ai.client.operation.duration_seconds"]
    assert "gen_ai.operation.name" in metric.labels and "error.type" in metric.labels
    assert dotted.metrics["target_info"].labels == ("telemetry.sdk.language", "telemetry.sdk.name",
                                                    "telemetry.sdk.version")  # service.* become job, instance


def test_a_name_the_exporter_does_not_spell_so_is_an_error(trees, tmp_path):
    root = trees[UTF8].root
    path = os.path.join(root, "traffic-genai-semconv.yml")
    with open(path) as fh:
        text = fh.read()
    broken = tmp_path / "traffic.yml"
    broken.write_text(text.replace("name: gen_ai.client.token.usage,", "name: gen_ai.client.tokens,"))
    project = Project.from_settings(root, {"metrics": UTF8, "namings": {UTF8: {
        "catalog": "catalog/genai-semconv", "traffic": str(broken), "ingestion": "otlp",
        "otlp_translation_strategy": "NoUTF8EscapingWithSuffixes"}}})
    with pytest.raises(GeneratorError, match=r"instrument 'gen_ai.client.tokens' is stored as 'gen_ai_client_tokens'"):
        catalog_of(project)


def test_a_bad_setting_is_a_clear_error(tmp_path):
    with pytest.raises(GeneratorError, match=r"otlp_translation_strategy = 'Dots': expected one of"):
        Project.from_settings(str(tmp_path), {"otlp_translation_strategy": "Dots"})
    with pytest.raises(GeneratorError, match=r"ingestion = 'push': expected scrape or otlp"):
        Project.from_settings(str(tmp_path), {"ingestion": "push"})


def test_names_are_quoted_where_promql_needs_it():
    assert escape("gen_ai.client.operation.duration") == "gen_ai_client_operation_duration"
    assert names.selector("up", 'job="a"') == 'up{job="a"}'
    assert names.selector("gen_ai.x_count", '"gen_ai.operation.name"="chat"') == \
        '{"gen_ai.x_count", "gen_ai.operation.name"="chat"}'
    assert names.grouping(["le", "gen_ai.request.model"]) == 'le, "gen_ai.request.model"'
    assert names.series("a.b", {"c.d": "x", "le": "1"}) == '{"a.b","c.d"="x",le="1"}'
    assert names.field_label("feature") == "${__field.labels.feature}"
    assert names.field_label("gen_ai.operation.name") == '${__field.labels["gen_ai.operation.name"]}'
    assert names.template_label("gen_ai.operation.name") == 'index $labels "gen_ai.operation.name"'


@pytest.mark.slow
def test_the_dotted_naming_builds_lints_clean_and_queries_quoted(trees):
    root = trees[UTF8].root
    build = run_cli("build", cwd=root)
    assert build.returncode == 0, build.stdout + build.stderr
    lint = run_cli("lint", "--format", "json", cwd=root)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    problems = json.loads(lint.stdout)
    # as in the scraped GenAI naming: the TTFT objective reads v1.41.0's name only, which lint names (dots and all)
    assert {p["check"] for p in problems} <= {"catalog/series-budget", "promql/deprecated-name"}
    assert {p["where"].split(" › ")[0] for p in problems if p["check"] == "promql/deprecated-name"} \
        == {"group slo-first-token"}
    with open(os.path.join(root, "generated", "dashboards", "ai-overview.json")) as fh:
        exprs = [t["expr"] for p in json.load(fh)["panels"] for t in p.get("targets", [])]
    assert 'sum by ("gen_ai.operation.name") (rate({"gen_ai.client.operation.duration_seconds_count"}' \
           '[$__rate_interval]))' in exprs
    assert 'max by (instance) (target_info{job="ai-service"})' in exprs
    with open(os.path.join(root, "generated", "rules", "ai_service.yml")) as fh:
        rules = fh.read()
    assert '"feature", "$1", "gen_ai.operation.name", "(.*)")' in rules
    assert 'absent(target_info{job="ai-service"} == 1)' in rules
    assert_only_the_base_differs(compile_project(Project.find(ROOT)), compile_project(trees[UTF8]))
    tests = run_cli("test-rules", "--run", BASE_SCENARIOS, cwd=root)  # the SLOs' base: tests/naming_proofs.py
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "promtool 2.42.0 left out: the catalog's names are UTF-8" in tests.stderr
    assert " scenarios pass on promtool 3." in tests.stdout and "on promtool 2" not in tests.stdout


def _panel_queries(root: str) -> dict[str, list[list[str]]]:
    """Per dashboard file, each panel's target expressions (rows' nested panels too), in order."""
    out = {}
    directory = os.path.join(root, "generated", "dashboards")
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name)) as fh:
            data = json.load(fh)
        panels = [p for top in data["panels"] for p in [top, *top.get("panels", [])]]
        out[name] = [[t.get("expr", "") for t in p.get("targets", [])] for p in panels]
    return out


@pytest.mark.slow
def test_the_underscore_naming_is_proven_by_the_scraped_and_the_dotted_ones(trees, tmp_path):
    """genai-otlp has no validate stack of its own (tests/test_live_validate.py): each of its panels queries what
    genai-semconv's does (validated over a scraped history) or, for the instances that push (`target_info` where a
    scrape has `up`), what genai-otlp-utf8's does (validated over a pushed one). It lints clean against the catalog
    the receiver stores (no `otel_scope_*` label, `le` as a plain decimal), and its rules pass promtool 2's and
    3's checks and the scenarios of the one rule that is not genai-semconv's (tests/naming_proofs.py)."""
    under, dotted = trees["genai-otlp"].root, trees[UTF8].root
    scraped = content_with_naming(tmp_path, "genai-semconv")
    for root in (under, dotted, scraped):
        build = run_cli("build", cwd=root)
        assert build.returncode == 0, build.stdout + build.stderr
    mine, theirs, pushed = _panel_queries(under), _panel_queries(scraped), _panel_queries(dotted)
    assert mine.keys() == theirs.keys() == pushed.keys()
    from_push = 0
    for name, panels in mine.items():
        assert len(panels) == len(theirs[name]) == len(pushed[name]), name
        for index, queries in enumerate(panels):
            if queries != theirs[name][index]:
                assert queries == pushed[name][index], (name, index, queries)
                from_push += 1
    assert from_push == 3  # Pushing instances, Since the last push, component health by instance
    lint = run_cli("lint", "--format", "json", cwd=under)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert {p["check"] for p in json.loads(lint.stdout)} <= {"catalog/series-budget", "promql/deprecated-name"}
    # its rules are genai-semconv's (whose scenarios tests/test_namings.py runs) but for AIServiceNoData
    differ = rules_that_differ(compile_project(Project.find(scraped)), compile_project(trees["genai-otlp"]))
    assert differ == {"AIServiceNoData"}
    tests = run_cli("test-rules", "--run", scenarios_of(differ), cwd=under)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " scenarios pass on promtool 2." in tests.stdout and " scenarios pass on promtool 3." in tests.stdout
    assert re.search(r"\n(\d+) of \1 scenarios pass on promtool 2", tests.stdout)
