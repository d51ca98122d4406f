"""The benchmark runner keeps working: its push step on a few dashboards writes what the goals say."""

import json
import os
import subprocess
import sys

import yaml

from tests.conftest import ROOT

RUN = os.path.join(ROOT, "bench", "run.py")


def child(*args):
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "bench")}
    out = subprocess.run([sys.executable, RUN, "--child", *args], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_push_step_writes_everything_then_nothing_then_one(tmp_path):
    directory = str(tmp_path / "dashboards")
    child("dashboards", "5", directory)
    assert len(os.listdir(directory)) == 5
    result = child("push", directory, "ours-first")
    assert [result[name]["writes"] for name in ("first", "unchanged", "one change")] == [5, 0, 1]
    assert result["naive"]["writes"] == 5


def test_build_step_measures_both_sides(tmp_path):
    result = child("build", "3", "1")
    assert result["ours"] > 0 and result["reference"] > 0 and result["peak_mib"] > 0


def test_only_runs_the_figures_named():
    out = subprocess.run([sys.executable, RUN, "--quick", "--runs", "1", "--only", "startup"], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    figures = [line.split(" | ")[0].strip("| ") for line in out.stdout.splitlines()[2:] if line.startswith("|")]
    assert figures == ["start-up: --help"]


def _anchors():
    import importlib
    import sys

    sys.path.insert(0, os.path.join(ROOT, "bench"))
    try:
        return importlib.import_module("anchors")
    finally:
        sys.path.remove(os.path.join(ROOT, "bench"))


def test_sloths_spec_holds_the_repositorys_objectives_and_its_rules_read_every_window_raw(tmp_path):
    anchors = _anchors()
    objectives = [o for o in anchors.objectives() if type(o).__name__ in ("Availability", "Latency")]
    spec = anchors.sloth_spec(anchors.objectives())
    assert [s["name"] for s in spec["slos"]] == [o.name for o in objectives]  # the spend budget left out
    availability = spec["slos"][0]
    assert availability["objective"] == objectives[0].target and "{{.window}}" in availability["sli"]["events"][
        "error_query"] and objectives[0].errors in availability["sli"]["events"]["error_query"]
    assert 'le=~"10|10\\\\.0"' in spec["slos"][1]["sli"]["events"]["error_query"]  # read on Prometheus 2 and 3
    rules = [{"name": "g", "rules": [{"record": "a:rate5m", "expr": "sum(rate(x[5m]))"},
                                     {"record": "a:rate1h", "expr": "sum_over_time(a:rate5m[1h]) / rate(x[1h])"},
                                     {"alert": "A", "expr": "a:rate1h > 1"}]}]
    assert anchors.cost(rules) == {"recording": 2, "alerts": 1, "raw_selectors": 2, "raw_window_s": 3900,
                                   "recorded_window_s": 3600}
    sloth = anchors.find("sloth")
    if sloth:  # built by make tools-anchors: sloth itself accepts the spec
        (tmp_path / "spec.yml").write_text(yaml.safe_dump(spec))
        out = subprocess.run([sloth, "generate", "-i", str(tmp_path / "spec.yml"), "-o", str(tmp_path / "r.yml")],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr


def test_findings_are_placed_on_the_rule_whose_lines_hold_them(tmp_path):
    anchors = _anchors()
    rules = tmp_path / "r.yml"
    rules.write_text("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n  - alert: B\n"
                     "    expr: |\n      sum(x)\n      / sum(y) > 1\n")
    path = os.path.normpath(str(rules))
    ours = [{"check": "alert/unguarded-division", "file": str(rules), "line": 6, "pointer": "/groups/0/rules/1"},
            {"check": "alert/missing-for", "file": str(rules), "line": 4, "pointer": "/groups/0/rules/0"}]
    pint = [{"path": str(rules), "reporter": "promql/nan", "problem": "unsafe division in aggregation",
             "lines": [8, 9]},
            {"path": str(rules), "reporter": "promql/regexp", "problem": "smelly regexp selector", "lines": [5]}]
    mine, theirs = anchors.findings(ours, pint)
    assert mine["alert/unguarded-division"] == theirs["promql/nan: unsafe division in aggregation"] == {(path, 0, 1)}
    report = anchors.pint_report(mine, theirs)
    assert "| alert/unguarded-division | promql/nan (unsafe division in aggregation) | 1 | 0 | 0 |" in report
    assert "only ours: alert/missing-for 1" in report and "only pint: promql/regexp: smelly regexp selector 1" in report


def test_without_pint_and_sloth_their_figures_are_left_out_saying_how_to_build_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PINT", "SLOTH")} | {"GENERATOR_TOOLS_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, RUN, "--quick", "--runs", "1", "--only", "pint", "sloth"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    for name in ("pint", "sloth"):
        assert f"skipping the {name} figures: {name} not found: `make tools-anchors`" in out.stderr, out.stderr
    assert "| lint real-world rules, no catalog" not in out.stdout
