"""End to end, real time: `stack up` (as a user runs it, with 26 h of backfilled history, raw and recorded: every
recording rule evaluated over it), then `validate` runs every panel query of the generated dashboards against that
Prometheus and finds, in each panel, points across at least nine tenths of the 24 h range (`--coverage 0.9`, the
default); `stack down` stops exactly what `up` started.

For each metric naming: the repository's own, and the GenAI semantic conventions (`metrics = "genai-semconv"`) in
a copy of the content, whose workload records through the real OpenTelemetry SDK and Prometheus exporter
(`-k genai-semconv` runs only that one; about 5 minutes, most of it writing the history).

The naming pushed over OTLP with dotted names (`genai-otlp-utf8`: NoUTF8EscapingWithSuffixes) runs a stack whose
workload pushes through the real OTLP/HTTP exporter to Prometheus 3's receiver, configured with that translation:
every panel has data, and every rule loads and evaluates there (`-k genai-otlp`). Prometheus 2 has no OTLP
receiver: it is skipped there. `genai-otlp` (UnderscoreEscapingWithSuffixes) runs no stack: each of its panels
queries what genai-semconv's or genai-otlp-utf8's do (PROVEN_BY; tests/test_otlp_naming.py builds the three and
compares them, lints it against the receiver's catalog and runs its rules' scenarios).

On Prometheus 3 (the tier `make tools` builds; 2 on a machine without Go), and the repository's naming once more
on Prometheus 2 (`-k prometheus2`, half a minute), so the dashboards' queries are proven on both."""

from __future__ import annotations

import json
import os
import tomllib

import pytest
import requests
from conftest import ROOT, cli_stack, content_with_naming, live_tier, run_cli

pytestmark = pytest.mark.live

with open(os.path.join(ROOT, "pyproject.toml"), "rb") as _fh:
    _SETTINGS = tomllib.load(_fh)["tool"]["generator"]


# A naming whose panels each query what a validated naming's do, proven so by a test that builds both: its stack
# would prove nothing more (tests/test_otlp_naming.py).
PROVEN_BY = {"genai-otlp": "genai-semconv and genai-otlp-utf8"}
_NAMINGS = sorted(n for n in _SETTINGS.get("namings") or {"": {}} if n not in PROVEN_BY)
_OWN = _SETTINGS.get("metrics", _NAMINGS[0])
RUNS = [("live", n) for n in _NAMINGS] + [("2", _OWN)]  # every naming on the live tier (3), and a smoke on 2


@pytest.fixture(scope="module", params=RUNS, ids=[("" if t == "live" else f"prometheus{t}-") + n for t, n in RUNS])
def run(request, tmp_path_factory):
    """(The Prometheus tier, the repository for its own naming or a built copy of its content with `metrics`
    switched for another)."""
    tier, naming = request.param
    if tier == "live":
        tier = live_tier()
    elif tier == live_tier():
        pytest.skip(f"the whole suite runs on Prometheus {tier} here")
    if _SETTINGS["namings"].get(naming, {}).get("ingestion") == "otlp" and tier == "2":
        pytest.skip(f"{naming} pushes over OTLP, and Prometheus 2 has no OTLP receiver")
    if naming == _OWN:
        return tier, ROOT
    dest = content_with_naming(tmp_path_factory.mktemp(naming), naming)
    build = run_cli("build", cwd=dest)
    assert build.returncode == 0, build.stdout + build.stderr
    return tier, dest


@pytest.fixture(scope="module")
def root(run):
    return run[1]


@pytest.fixture(scope="module")
def stack_dir(run, tmp_path_factory, request):
    for directory in _stack(run, tmp_path_factory, request):  # one, stopped when the loop ends
        with open(os.path.join(directory, "stack.json")) as fh:
            versions = json.load(fh)["prometheus"]
        assert versions["tier"] == run[0] and versions["prometheus"].startswith(f"{run[0]}."), versions
        yield directory


def _stack(run, tmp_path_factory, request):
    """The repository's own stack on the live tier is the session's (the preview tests read it too); another
    naming's, and the smoke on Prometheus 2, are this module's, with a history sampled every 2m30s, its last hour
    too: the GenAI naming serves 16,000 series, and 26 hours of them every minute took 270 s to write; the last
    hour every 15 s was 28% of the samples, for nothing that a 24-hour range shows. 2m30s is the coarsest step at
    which the recording rules' 5-minute windows (left-open on Prometheus 3) hold two samples, so that the recorded
    series have a history too (at 5 minutes they had none)."""
    tier, root = run
    if root == ROOT and tier == live_tier():
        yield request.getfixturevalue("history_stack")
        return
    directory = str(tmp_path_factory.mktemp("stack"))
    options = ("--history-step", "2m30s", "--history-recent", "0s")  # the session's stack keeps the profile's
    with cli_stack(directory, root, *options, tier=tier):
        yield directory


def test_stack_status_lists_every_process(root, stack_dir):
    status = run_cli("stack", "--dir", stack_dir, "status", cwd=root)
    assert status.returncode == 0, status.stdout + status.stderr
    for name in ("prometheus", "alertmanager", "workload", "webhook"):
        assert name in status.stdout


def test_the_history_holds_every_recording_rule(run, stack_dir, capsys):
    with open(os.path.join(stack_dir, "stack.json")) as fh:
        done = json.load(fh)["rule_history"]
    assert done["levels"] == 4 and done["rules"] > 30 and done["blocks"] > 0, done
    assert done["missing"] == [], f"recorded names with no past in Prometheus: {done['missing']}"
    with capsys.disabled():
        print(f"\n  Prometheus {run[0]}: rule history of {done['rules']} rules in {done['levels']} levels: "
              f"{done['seconds']} s ({', '.join(f'{s:g} s' for s in done['per_level'])})")


def test_every_panel_of_every_dashboard_has_data(run, root, stack_dir, capsys):
    with open(os.path.join(stack_dir, "stack.json")) as fh:
        url = json.load(fh)["urls"]["prometheus"]
    result = run_cli("validate", "--prometheus", url, "--format", "json", cwd=root)
    report = json.loads(result.stdout)
    uids = {d["uid"] for d in report["dashboards"]}
    assert uids == {"ai-overview", "ai-feature-detail", "ai-cost", "ai-debug", "ai-slo"}
    assert report["min_coverage"] == 0.9
    bad = [(d["uid"], c["title"], c["view"], c["coverage"], [q for q in c["queries"] if q["status"] != "ok"
                                                             or q.get("coverage", 1) < 0.9])
           for d in report["dashboards"] for c in d["checks"] if c["status"] != "ok"]
    assert not bad, json.dumps(bad, indent=2)
    assert result.returncode == 0, result.stderr
    panels = [c for d in report["dashboards"] for c in d["checks"] if c["kind"] == "panel"]
    ranged = [c["coverage"] for c in panels if c["coverage"] is not None]
    assert ranged and min(ranged) >= 0.9
    for d in report["dashboards"]:
        panels = {c["title"] for c in d["checks"] if c["kind"] == "panel"}
        assert panels, d["uid"]
    with capsys.disabled():
        print(f"\n  Prometheus {run[0]}: validate over {report['range_seconds'] / 3600:g} h "
              f"($__rate_interval {report['rate_interval']}): "
              + ", ".join(f"{d['uid']} {d['load_seconds']:.2f} s" for d in report["dashboards"])
              + f" of queries per view (budget {report['budget_seconds']:g} s); {len(ranged)} panels with range "
              f"queries, the least covered {min(ranged):.1%} of the range")


def test_every_rule_loads_and_evaluates(run, stack_dir):
    """The rules built for the naming load in its Prometheus (the OTLP namings': quoted UTF-8 names on 3) and each
    evaluates without an error."""
    with open(os.path.join(stack_dir, "stack.json")) as fh:
        url = json.load(fh)["urls"]["prometheus"]
    groups = requests.get(url + "/api/v1/rules", timeout=10).json()["data"]["groups"]
    rules = [r for g in groups for r in g["rules"]]
    assert len(groups) >= 2 and rules
    assert [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"] == []


def test_scenario_switch_through_the_cli(root, stack_dir):
    switched = run_cli("stack", "--dir", stack_dir, "scenario", "error_spike", cwd=root)
    assert switched.returncode == 0, switched.stderr
    assert json.loads(switched.stdout)["scenario"] == "error_spike"
    back = run_cli("stack", "--dir", stack_dir, "scenario", "normal", cwd=root)
    assert json.loads(back.stdout)["scenario"] == "normal"
