"""The synthetic workload is driven by the catalog and the content tree's traffic file, nothing else: every catalog
metric is served (for this service and for the assistant tree), a metric added to the catalog is served without
touching the engine, a broken traffic file is reported whole (file, line, key), and the fault scenarios the live
alert tests switch come from the file."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time

import pytest
import requests
from conftest import ROOT, run_cli
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from generator import exitcodes
from generator.build import compile_project
from generator.catalog import load_catalog
from generator.live.config import alertmanager_config, prometheus_config
from generator.live.procs import spawn, stop, wait_ready
from generator.live.profile import REAL
from generator.live.serve import WorkloadCollector
from generator.live.stack import HOST, free_port
from generator.live.traffic_yaml import TrafficError, load_traffic
from generator.live.workload import Workload
from generator.project import Project

pytestmark = pytest.mark.live

ASSISTANT = os.path.join(ROOT, "tests", "content", "assistant")
TREES = {"service": ROOT, "assistant": ASSISTANT}
HOUR = 3600.0


def _load(root: str):
    project = Project.find(root)
    catalog = load_catalog(project.catalog)
    return project, catalog, load_traffic(project.traffic, catalog)


def _scrape(catalog, traffic, *, scenario: str = "normal", seconds: float = HOUR) -> dict:
    """The workload's /metrics text after ``seconds`` of traffic, parsed by prometheus-client: name → family."""
    start = 1_800_000_000.0
    workload = Workload(catalog, traffic, scenario=scenario, start=start)
    workload.advance_to(start + seconds)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WorkloadCollector(workload))
    text = generate_latest(registry).decode()
    return {f.name: f for f in text_string_to_metric_families(text)}


def _family_name(metric) -> str:
    """prometheus-client's parser names a counter family without ``_total``."""
    return metric.name[: -len("_total")] if metric.type == "counter" and metric.name.endswith("_total") else metric.name


def _check_every_metric(catalog, families: dict) -> None:
    own = [m for m in catalog.metrics.values() if m.source == "service"]
    assert own
    for metric in own:
        family = families.get(_family_name(metric))
        assert family is not None, f"{metric.name} is not served"
        assert family.type == metric.type, metric.name
        assert family.samples, metric.name
        for sample in family.samples:
            assert set(sample.labels) - {"le", "quantile"} == set(metric.labels), (metric.name, sample)
            for name, value in sample.labels.items():
                allowed = catalog.labels[name].values if name in catalog.labels else ()
                assert not allowed or value in allowed, (metric.name, name, value)
        if metric.type in ("counter", "histogram", "summary"):
            assert sum(s.value for s in family.samples) > 0, f"{metric.name} never moved in an hour of traffic"


@pytest.mark.parametrize("tree", sorted(TREES))
def test_every_catalog_metric_is_served(tree):
    _, catalog, traffic = _load(TREES[tree])
    assert traffic.path.endswith("traffic.yml")
    _check_every_metric(catalog, _scrape(catalog, traffic))


@pytest.mark.parametrize("tree", sorted(TREES))
def test_without_a_traffic_file_every_metric_is_still_served(tree):
    project = Project.find(TREES[tree])
    catalog = load_catalog(project.catalog)
    _check_every_metric(catalog, _scrape(catalog, load_traffic("", catalog)))


def test_the_service_traffic_keeps_its_shape():
    """The numbers moved from Python into traffic.yml still mean what they meant: about 1 % of requests
    fail, every model carries its own provider, and each scenario changes what it says it changes."""
    _, catalog, traffic = _load(ROOT)
    normal = _scrape(catalog, traffic)
    requests_ = {s.labels["status"]: 0.0 for s in normal["ai_requests"].samples}
    for s in normal["ai_requests"].samples:
        requests_[s.labels["status"]] += s.value
        provider = traffic.dimensions[1].values[s.labels["model"]].labels["provider"]
        assert s.labels["provider"] == provider
    assert 0.008 < requests_["error"] / sum(requests_.values()) < 0.012
    spike = _scrape(catalog, traffic, scenario="error_spike")
    errors = sum(s.value for s in spike["ai_errors"].samples if s.labels["error_type"] == "provider_error")
    assert errors > 50 * sum(s.value for s in normal["ai_errors"].samples if s.labels["error_type"] == "provider_error")
    cost = {name: sum(s.value for s in _scrape(catalog, traffic, scenario=name)["ai_cost_dollars"].samples)
            for name in ("normal", "cost_spike")}
    assert cost["cost_spike"] > 3 * cost["normal"]
    down = _scrape(catalog, traffic, scenario="silence_component")["ai_component_up"].samples
    assert {s.labels["component"] for s in down} == {"llm", "redis", "embeddings"}


def test_a_metric_added_to_the_catalog_is_served(tmp_path):
    """No Python under generator/ changes: a counter, a histogram, a summary and a gauge added to a copy of the
    catalog are served with the generic signal of their type (or a mapped one)."""
    dest = tmp_path / "assistant"
    shutil.copytree(ASSISTANT, dest, ignore=shutil.ignore_patterns("__pycache__", "generated"))
    catalog_file = dest / "assistant" / "catalog" / "metrics.yml"
    catalog_file.write_text(catalog_file.read_text() + """
  assistant_retries_total:
    type: counter
    unit: retries
    help: Retries of a call.
    labels: [operation]
  assistant_prompt_bytes:
    type: histogram
    unit: bytes
    help: Size of a prompt.
    labels: [operation, outcome]
    buckets: [1, 2, 4]
  assistant_render_seconds:
    type: summary
    unit: seconds
    help: Rendering time.
    labels: []
  assistant_workers:
    type: gauge
    unit: workers
    help: Busy workers.
    labels: [operation]
  assistant_failed_calls_total:
    type: counter
    unit: calls
    help: Failed calls.
    labels: [operation]
""")
    traffic_file = dest / "assistant" / "traffic.yml"
    traffic_file.write_text(traffic_file.read_text().replace(
        "metrics:\n", "metrics:\n  assistant_failed_calls_total: failures\n"))
    _, catalog, traffic = _load(str(dest))
    families = _scrape(catalog, traffic)
    _check_every_metric(catalog, families)
    calls = sum(s.value for s in families["assistant_calls"].samples)
    failed = sum(s.value for s in families["assistant_calls"].samples if s.labels["outcome"] == "failed")
    assert sum(s.value for s in families["assistant_retries"].samples) == pytest.approx(calls, abs=2)
    assert sum(s.value for s in families["assistant_failed_calls"].samples) == pytest.approx(failed, abs=2)


BAD_TRAFFIC = """\
requests:
  rate: -3
  speed: 2
dimensions:
  operation:
    answer: {weight: 3}
    summarize: {weight: 1}
  region:
    eu: 1
failures:
  outcome: {label: outcome, ok: ok, failed: broken}
  share: 0.02
metrics:
  assistant_calls_total: duration
  assistant_nonexistent_total: requests
  assistant_call_seconds: {signal: event, events: [nothing]}
scenarios:
  failing:
    failures: 0.3
    down: {component: [db]}
    latency: fast
alertmanager:
  group_by: [alertname, team]
"""


def test_a_bad_traffic_file_reports_every_problem_with_its_line(tmp_path):
    dest = tmp_path / "assistant"
    shutil.copytree(ASSISTANT, dest, ignore=shutil.ignore_patterns("__pycache__", "generated"))
    (dest / "assistant" / "traffic.yml").write_text(BAD_TRAFFIC)
    result = run_cli("workload", "--check", cwd=str(dest))
    assert result.returncode == exitcodes.PROBLEMS, result.stdout + result.stderr
    expected = [
        "assistant/traffic.yml:2: requests.rate: must be positive, not -3",
        "assistant/traffic.yml:3: requests.speed: unknown key",
        "assistant/traffic.yml:7: dimensions.operation.summarize: 'summarize' is not a catalog value of label "
        "'operation' (answer, translate)",
        "assistant/traffic.yml:8: dimensions.region: label 'region' is not in the catalog",
        "assistant/traffic.yml:11: failures.outcome.failed: 'broken' is not a catalog value of label 'outcome'",
        "assistant/traffic.yml:14: metrics.assistant_calls_total.signal: a counter cannot show duration",
        "assistant/traffic.yml:15: metrics.assistant_nonexistent_total: is not a metric of the service in the "
        "catalog",
        "assistant/traffic.yml:16: metrics.assistant_call_seconds.signal: a histogram cannot show event",
        "assistant/traffic.yml:16: metrics.assistant_call_seconds.events: no event 'nothing' under `events:`",
        "assistant/traffic.yml:20: scenarios.failing.down.component: label 'component' is not in the catalog",
        "assistant/traffic.yml:21: scenarios.failing.latency: must be a number",
        "assistant/traffic.yml:23: alertmanager.group_by: label 'team' is not in the catalog",
    ]
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert f"{len(expected)} problems in the traffic file" in result.stderr
    reported = [line.strip() for line in result.stderr.splitlines()[1:]]
    assert [int(line.split(":")[1]) for line in reported] == sorted(int(line.split(":")[1]) for line in reported)
    # The same problems when the workload or the stack would start: nothing runs on a broken file.
    project = Project.find(str(dest))
    with pytest.raises(TrafficError) as e:
        load_traffic(project.traffic, load_catalog(project.catalog))
    assert len(e.value.problems) == len(expected)
    stack = run_cli("stack", "--dir", str(tmp_path / "stack"), "up", "--no-history", cwd=str(dest))
    assert stack.returncode == exitcodes.PROBLEMS and expected[0] in stack.stderr
    assert not os.path.exists(tmp_path / "stack" / "stack.json")


def test_yaml_that_does_not_parse_is_reported_with_its_line(tmp_path):
    path = tmp_path / "traffic.yml"
    path.write_text("requests:\n  rate: 1\n dimensions: [\n")
    with pytest.raises(TrafficError) as e:
        load_traffic(str(path), load_catalog(os.path.join(ASSISTANT, "assistant", "catalog")))
    assert "traffic.yml:3: not YAML" in str(e.value)


def test_scenarios_and_their_alerts_come_from_the_traffic_file():
    for root in TREES.values():
        project, catalog, traffic = _load(root)
        alerts = {a.name for r in compile_project(project).rules for g in r.groups for a in g.alerts}
        assert traffic.faults, project.traffic
        for scenario, alert in traffic.faults:
            assert alert in alerts, f"{project.traffic}: scenario {scenario} names no alert of the rules: {alert}"
        workload = Workload(catalog, traffic)
        assert list(workload.scenarios) == list(traffic.scenarios)
        assert next(iter(traffic.scenarios)) == "normal"
        for name in traffic.scenarios:
            assert workload.set_scenario(name).name == name
        with pytest.raises(KeyError):
            workload.set_scenario("no-such-scenario")
    _, _, assistant = _load(ASSISTANT)
    assert assistant.faults == [("failing", "AssistantFailing"), ("queue", "AssistantQueueLong")]


def test_the_stack_configuration_comes_from_catalog_and_traffic():
    for root in TREES.values():
        _, catalog, traffic = _load(root)
        prometheus = prometheus_config(catalog, REAL, target="h:1", alertmanager="h:2", rules=[])
        assert prometheus["scrape_configs"][0]["job_name"] == catalog.job
        route = alertmanager_config(REAL, webhook_url="http://h:3/alerts", group_by=traffic.group_by)["route"]
        assert route["group_by"] == list(traffic.group_by)
    _, _, assistant = _load(ASSISTANT)
    assert assistant.group_by == ("alertname", "operation")


def test_the_workload_command_serves_the_assistant_and_switches_its_scenarios(tmp_path):
    """As `make up` starts it: a real process on a free loopback port; /metrics parses, /scenario switches."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    proc = spawn("workload", [sys.executable, "-m", "generator", "workload", "--host", HOST, "--port", str(port),
                              "--speed", "600"], str(tmp_path / "workload.log"), cwd=ASSISTANT, url=url)
    try:
        wait_ready(proc, url + "/-/ready", 60)
        time.sleep(1.5)
        _, catalog, _ = _load(ASSISTANT)
        text = requests.get(url + "/metrics", timeout=10).text
        _check_every_metric(catalog, {f.name: f for f in text_string_to_metric_families(text)})
        assert requests.post(url + "/scenario/failing", timeout=10).json()["scenario"] == "failing"
        unknown = requests.post(url + "/scenario/error_spike", timeout=10)
        assert unknown.status_code == 404 and unknown.json()["scenarios"] == ["failing", "normal", "queue"]
    finally:
        stop(proc)


def test_fixed_labels_and_event_selectors(tmp_path):
    """``labels:`` fixes a label nothing else gives (instead of spreading it evenly); an event source can only
    select requests by a dimension's label."""
    catalog = load_catalog(os.path.join(ASSISTANT, "assistant", "catalog"))
    path = tmp_path / "traffic.yml"
    path.write_text("labels: {outcome: ok}\ndimensions:\n  operation: {answer: 1}\n")
    families = _scrape(catalog, load_traffic(str(path), catalog))
    assert {s.labels["outcome"] for s in families["assistant_calls"].samples} == {"ok"}
    assert {s.labels["operation"] for s in families["assistant_calls"].samples} == {"answer", "translate"}
    path.write_text("events:\n  retries:\n    sources:\n      - {per_request: 1, only: {outcome: [ok]}}\n")
    with pytest.raises(TrafficError) as e:
        load_traffic(str(path), catalog)
    assert [p.split(os.sep)[-1] for p in e.value.problems] == [
        "traffic.yml:4: events.retries.sources[0].only.outcome: only a label of `dimensions` can select requests"]


def test_a_long_history_is_written_in_parts_whose_blocks_hold_every_sample(tmp_path, monkeypatch, newest_promtool):
    """`stack up`'s history is written in parts, each turned into blocks by its own promtool (of the Prometheus
    the stack runs: 3 when installed) while the next part is written: the blocks hold every sample written, and no
    two cover the same time."""
    from generator.live import history

    monkeypatch.setattr(history, "PART_TIMES", 40)  # 3 h at one sample a minute: 4 parts of 46 times
    memory, data = tmp_path / "shm", tmp_path / "data"
    memory.mkdir()
    monkeypatch.setattr(history, "MEMORY", str(memory))  # the parts go to memory (tmpfs) when it has room
    scratch, scratch_of = [], history._scratch
    monkeypatch.setattr(history, "_scratch", lambda *a: scratch.append(scratch_of(*a)) or scratch[-1])
    _, catalog, traffic = _load(ROOT)
    workload = Workload(catalog, traffic, seed=7)
    end = 1_750_000_000.0
    written = history.backfill(workload, str(data), length=3 * HOUR, step=60, end=end,
                               target={"job": catalog.job, "instance": "127.0.0.1:9"}, log=lambda _: None)
    assert scratch[0].startswith(str(memory)) and os.listdir(memory) == []  # the parts are removed once read
    assert all(len(name) == 26 for name in os.listdir(data)), os.listdir(data)  # nothing but blocks (ULIDs)
    listing = subprocess.run([newest_promtool.path, "tsdb", "list", str(data)], capture_output=True, text=True,
                             check=True)
    blocks = [line.split() for line in listing.stdout.splitlines()[1:] if line.strip()]
    assert len(blocks) == 4, listing.stdout
    spans = sorted((int(b[1]), int(b[2])) for b in blocks)  # BLOCK ULID, MIN TIME, MAX TIME (ms), ...
    assert spans[0][0] == int((end - 3 * HOUR) * 1000) and spans[-1][1] >= int(end * 1000)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # no overlap
    assert sum(int(b[4]) for b in blocks) == written  # NUM SAMPLES
    # without room in memory, beside the blocks
    assert history._scratch(str(data), 2**62, 3).startswith(str(data))


def test_a_history_of_what_is_read_holds_the_series_the_dashboards_and_rules_read(tmp_path):
    """`stack up`'s history holds, by default (--history-series read), the series whose names the built dashboards,
    rules and alert templates select, and the scrape's own; a query selecting by a pattern means every series."""
    from types import SimpleNamespace

    from generator.lint import names_read
    from generator.live import history

    project, catalog, traffic = _load(ROOT)
    read = names_read(compile_project(project))
    assert {"ai_requests_total", "ai_request_duration_seconds_bucket", "job:ai_cost_dollars:increase1h",
            "ALERTS", "up"} <= read
    end = 1_750_000_000.0
    target = {"job": catalog.job, "instance": "127.0.0.1:9"}

    def written(keep):
        workload = Workload(catalog, traffic, seed=7)
        workload.wall, workload.anchor = end - HOUR, end
        path = tmp_path / "h.om"
        count = history.write_openmetrics(workload, str(path), history.history_times(end - HOUR, end, 60), target,
                                          keep=keep)
        names = {line.split("{")[0] for line in path.read_text().splitlines() if not line.startswith("#")}
        return count, names

    every, all_names = written(None)
    some, names = written(read)
    assert names == all_names & (read | {"scrape_duration_seconds"}) and "up" in names
    assert all_names - names and some < every  # the catalog serves series no query reads
    pattern = SimpleNamespace(dashboards={}, rules=[SimpleNamespace(path="r.yml", data={"groups": [
        {"name": "g", "rules": [{"record": "x", "expr": 'sum({__name__=~"ai_.+"})'}]}]})])
    assert names_read(pattern) is None
