"""The engine (generator/) is apart from this service's content (catalog/, dashboards/, rules/, ...): it names
none of it, and it compiles, lints and unit-tests another service's content tree (tests/content/assistant: other
metrics, folders, job) alike.
"""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import tokenize

import pytest
import yaml

from generator.build import compile_project
from generator.catalog import load_catalog
from generator.project import Project
from tests.conftest import ROOT, run_cli

ENGINE = os.path.join(ROOT, "generator")
ASSISTANT = os.path.join(ROOT, "tests", "content", "assistant")
MAX_MODULE_LINES = 400
# Label values that are also the engine's own vocabulary: lint severities, Prometheus' alert states, the status of
# a Prometheus API answer, a key of Grafana's panel transformations (DataTransformerConfig.topic).
ENGINE_WORDS = {"error", "warning", "info", "critical", "pending", "firing", "input", "output", "success", "topic"}


def _engine_modules() -> list[str]:
    return sorted(os.path.join(base, f) for base, _, files in os.walk(ENGINE) for f in files if f.endswith(".py"))


def _service_names() -> dict[str, set[str]]:
    """What belongs to this service: its metric and series names, alerts, records, dashboard uids, job."""
    project = Project.find(ROOT)
    output = compile_project(project)
    catalog = output.catalog
    own = {m.name for m in catalog.metrics.values() if m.source == "service"}
    return {
        "metric": {s for s in catalog.series_names if catalog.series(s).metric.name in own},
        "alert": {a.name for g in output.groups for a in g.alerts},
        # Records the engine names itself (the SLO rules' `slo:*` series, labelled with each objective) are its
        # own vocabulary, not this service's.
        "record": {r.record for g in output.groups for r in g.recordings} - _engine_records(),
        "uid": set(output.dashboards),
        "job": {catalog.job},
        "label value": {v for label in catalog.labels.values() for v in label.values} - ENGINE_WORDS,
    }


def _engine_records() -> set[str]:
    from generator.rules.slo import windows
    from generator.rules.slo_rules import rec

    kinds = ("total", "bad", "ratio", "burn", "remaining", "spend", "spend_month", "spent", "allowed", "projected",
             "elapsed", "left")
    return {rec(kind, window) for kind in kinds for window in windows()}


def _strings(path: str) -> set[str]:
    with open(path, encoding="utf-8") as fh:
        tokens = tokenize.generate_tokens(io.StringIO(fh.read()).readline)
        out = set()
        for tok in tokens:
            if tok.type == tokenize.STRING:
                try:
                    out.add(str(eval(tok.string, {})))
                except Exception:  # an f-string: its literal parts are enough
                    out.add(tok.string)
        return out


def test_no_engine_module_names_this_service():
    names = _service_names()
    found = []
    for path in _engine_modules():
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        rel = os.path.relpath(path, ROOT)
        for kind in ("metric", "alert", "record", "uid", "job"):
            for name in names[kind]:
                if re.search(rf"(?<![\w:-]){re.escape(name)}(?![\w:-])", text):
                    found.append(f"{rel}: {kind} {name}")
        for value in names["label value"] & _strings(path):
            found.append(f"{rel}: label value {value!r}")
    assert found == []


def test_no_engine_module_is_over_the_size_limit():
    long = {os.path.relpath(p, ROOT): n for p in _engine_modules()
            if (n := sum(1 for _ in open(p, encoding="utf-8"))) > MAX_MODULE_LINES}
    assert long == {}


def test_no_dashboard_module_imports_the_rules():
    project = Project.find(ROOT)
    rules_package = os.path.relpath(project.rules, ROOT).replace(os.sep, ".")
    for name in [n for n in os.listdir(project.dashboards) if n.endswith(".py")]:
        with open(os.path.join(project.dashboards, name), encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:  # relative: resolved from the dashboards folder
                base = os.path.dirname(os.path.join(project.dashboards, name))
                for _ in range(node.level - 1):
                    base = os.path.dirname(base)
                target = os.path.join(base, *(node.module or "").split("."))
                assert not os.path.abspath(target).startswith(project.rules), (name, node.module)
            elif isinstance(node, ast.ImportFrom | ast.Import):
                modules = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(m == rules_package or m.startswith(rules_package + ".") for m in modules), name


@pytest.fixture
def assistant(tmp_path):
    dest = tmp_path / "assistant"
    shutil.copytree(ASSISTANT, dest, ignore=shutil.ignore_patterns("__pycache__", "generated"))
    return dest


def test_another_content_tree_builds_and_lints_clean(assistant):
    build = run_cli("build", cwd=str(assistant))
    assert build.returncode == 0, build.stderr
    assert sorted(os.listdir(assistant / "generated" / "dashboards")) == ["assistant-home.json"]
    rules = yaml.safe_load((assistant / "generated" / "rules" / "assistant.yml").read_text())
    alert = next(r for r in rules["groups"][0]["rules"] if r.get("alert") == "AssistantFailing")
    assert alert["annotations"]["runbook_url"] == "https://wiki.example.org/assistant/runbooks/AssistantFailing.md"
    assert alert["annotations"]["dashboard_url"] == "https://grafana.example.org/d/assistant-home"
    lint = run_cli("lint", cwd=str(assistant))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "0 errors, 0 warnings" in lint.stdout + lint.stderr
    check = run_cli("check", cwd=str(assistant))
    assert check.returncode == 0, check.stderr


def test_another_content_tree_lint_finds_its_own_mistakes(assistant):
    home = assistant / "assistant" / "dashboards" / "home.py"
    home.write_text(home.read_text().replace("sum(assistant_queued_calls)", "sum(ai_active_requests)"))
    lint = run_cli("lint", "--format", "json", cwd=str(assistant))
    assert lint.returncode == 1
    assert '"promql/unknown-metric"' in lint.stdout and "assistant/dashboards/home.py" in lint.stdout


def test_another_content_tree_rule_tests_pass_with_promtool(assistant, promtool):
    result = run_cli("test-rules", cwd=str(assistant))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"4 of 4 scenarios pass on promtool 2\.[\d.]+, 4 of 4 scenarios pass on promtool 3\.",
                     result.stdout), result.stdout
    assert "promtool test rules generated/rules/assistant.every-30s.test.yml:" in result.stdout


def test_the_two_catalogs_share_no_metric():
    ours = load_catalog(os.path.join(ROOT, "catalog"))
    theirs = load_catalog(os.path.join(ASSISTANT, "assistant", "catalog"))
    shared = {n for n, m in ours.metrics.items() if m.source == "service"} & set(theirs.metrics)
    assert shared == set()
