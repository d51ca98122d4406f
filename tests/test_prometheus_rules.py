"""push-rules into the folder of a REAL Prometheus, 2 (Debian's) and 3 (the build of ``make tools``), started here
on loopback with an empty rules folder and ``--web.enable-lifecycle``, stopped by the test that started it."""

from __future__ import annotations

import os

import pytest
import requests

from generator.delivery.groups import DeliveryError, groups_of, rule_files
from generator.delivery.prometheus import PrometheusTarget
from generator.live.procs import spawn, stop, wait_ready
from generator.live.stack import HOST, free_port
from tests.conftest import ROOT, run_cli, snapshot, tool

FILES = rule_files(os.path.join(ROOT, "generated", "rules"))
GROUPS = groups_of(FILES)


@pytest.fixture(params=["2", "3"], ids=["prometheus2", "prometheus3"])
def prometheus(tmp_path, request):
    binary = tool("prometheus", request.param).path
    rules = tmp_path / "rules"
    rules.mkdir()
    (tmp_path / "prometheus.yml").write_text(
        f"global:\n  evaluation_interval: 15s\nrule_files:\n  - {rules}/*.yml\n")
    port = free_port()
    url = f"http://{HOST}:{port}"
    proc = spawn("prometheus", [binary, f"--config.file={tmp_path / 'prometheus.yml'}",
                                f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address={HOST}:{port}",
                                "--web.enable-lifecycle"], str(tmp_path / "prometheus.log"))
    try:
        wait_ready(proc, url + "/-/ready", 60)
        yield url, str(rules)
    finally:
        stop(proc)


def loaded(url: str) -> dict[str, dict]:
    groups = requests.get(url + "/api/v1/rules", timeout=10).json()["data"]["groups"]
    return {g["name"]: g for g in groups}


def test_push_loads_every_group_second_run_writes_nothing(prometheus):
    url, rules = prometheus
    assert loaded(url) == {}
    first = run_cli("push-rules", "--prometheus-url", url, "--rules-dir", rules)
    assert first.returncode == 0, first.stdout + first.stderr
    live = loaded(url)
    assert sorted(live) == sorted(g.name for g in GROUPS)
    for group in GROUPS:
        assert [r["name"] for r in live[group.name]["rules"]] == \
            [r.get("alert") or r.get("record") for r in group.data["rules"]]
    assert snapshot(rules) == FILES
    mtimes = {n: os.stat(os.path.join(rules, n)).st_mtime_ns for n in FILES}

    second = run_cli("push-rules", "--prometheus-url", url, "--rules-dir", rules)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 file(s) written" in second.stdout and "loaded as written" in second.stdout
    assert {n: os.stat(os.path.join(rules, n)).st_mtime_ns for n in FILES} == mtimes
    assert "after a reload" not in second.stdout

    diff = run_cli("diff-rules", "--prometheus-url", url, "--rules-dir", rules)
    assert diff.returncode == 0 and "matches the code" in diff.stdout


def test_a_broken_rule_file_is_refused_and_the_old_rules_stay_loaded(prometheus):
    url, rules = prometheus
    target = PrometheusTarget(url, rules, wait=10)
    target.push(FILES)
    before, files_before = loaded(url), snapshot(rules)
    name = next(iter(FILES))
    record = next(r for g in GROUPS if g.file == name for r in g.data["rules"] if "record" in r)
    broken = {name: FILES[name].replace(record["expr"].encode(), b"sum by (x) (rate(broken[5m])", 1)}
    assert broken[name] != FILES[name]

    with pytest.raises(DeliveryError) as e:
        target.push(broken)
    message = str(e.value)
    assert "refused the new rules" in message and "could not parse expression" in message
    assert "previous rule files were put back" in message
    assert snapshot(rules) == files_before  # the folder is as before
    after = loaded(url)
    assert sorted(after) == sorted(before)
    assert [r["query"] for g in after.values() for r in g["rules"]] == \
        [r["query"] for g in before.values() for r in g["rules"]]
    assert target.mismatches(FILES) == []


def test_rules_not_loaded_in_time_is_a_failure_with_what_differs(prometheus, tmp_path):
    url, _ = prometheus
    elsewhere = tmp_path / "not-loaded"  # a folder this Prometheus does not load
    elsewhere.mkdir()
    result = run_cli("push-rules", "--prometheus-url", url, "--rules-dir", str(elsewhere), "--wait", "1")
    assert result.returncode == 1
    assert "has not loaded the rules as written" in result.stderr
    assert f"group {GROUPS[0].name!r} is not loaded" in result.stderr
    assert snapshot(elsewhere) == {}  # new files removed again


def test_a_changed_rule_is_diffed_then_delivered(prometheus):
    url, rules = prometheus
    PrometheusTarget(url, rules).push(FILES)
    name = next(iter(FILES))
    path = os.path.join(rules, name)
    with open(path, "rb") as fh:
        text = fh.read()
    alert = next(r for g in GROUPS if g.file == name for r in g.data["rules"] if "alert" in r and "for" in r)
    with open(path, "wb") as fh:
        fh.write(text.replace(f"for: {alert['for']}".encode(), b"for: 59m", 1))
    diff = run_cli("diff-rules", "--prometheus-url", url, "--rules-dir", rules)
    assert diff.returncode == 1 and f"alert {alert['alert']}: for: 3540s ->" in diff.stdout, diff.stdout
    push = run_cli("push-rules", "--prometheus-url", url, "--rules-dir", rules)
    assert push.returncode == 0 and "1 file(s) written" in push.stdout, push.stdout + push.stderr
    assert snapshot(rules) == FILES


def test_unreachable_prometheus_is_clear(tmp_path):
    port = free_port()
    result = run_cli("push-rules", "--prometheus-url", f"http://{HOST}:{port}", "--rules-dir", str(tmp_path))
    assert result.returncode == 3 and f"cannot reach Prometheus at http://{HOST}:{port}" in result.stderr
    assert snapshot(tmp_path) == {}
