"""The recording rules' history (generator/live/rulehistory.py) and a panel's coverage (generator/live/coverage.py).

Unit tests: the levels of the repository's rules (a rule reads only rules of lower levels), the passes as the raw
history is sampled, the shortest window, the evaluation times and covered share. End to end (`live`, on Prometheus
2 and 3): two hours of a counter as raw blocks, then every level of a rule chain evaluated into blocks by the real
promtool against a real Prometheus (the one answering on its port checked to be ours), and the last level's recorded
series found across the whole history."""

from __future__ import annotations

import glob
import os
import subprocess
import time

import pytest
import requests
import yaml
from conftest import ROOT, tool

from generator.live import coverage
from generator.live.procs import StackError, spawn, stop, wait_ready
from generator.live.rulehistory import (
    _passes,
    _split,
    backfill_rules,
    history_bounds,
    levels,
    not_ours,
    shortest_window,
)

RULES = sorted(f for f in glob.glob(os.path.join(ROOT, "generated", "rules", "*.yml")) if ".test." not in f)


def _names(level: list[dict]) -> set[str]:
    return {r["record"] for g in level for r in g["rules"]}


def test_every_recording_rule_is_in_a_level_above_the_rules_it_reads():
    tiers = levels(RULES)
    records = {}
    for path in RULES:
        with open(path) as fh:
            for group in yaml.safe_load(fh)["groups"]:
                for rule in group["rules"]:
                    if "record" in rule:
                        records.setdefault(rule["record"], []).append(rule["expr"])
    placed = [_names(t) for t in tiers]
    assert set().union(*placed) == set(records)
    assert sum(len(g["rules"]) for t in tiers for g in t) == sum(len(v) for v in records.values())
    assert "feature:ai_requests:rate5m" in placed[0]  # reads raw series only
    assert "slo:error_budget:remaining" in placed[2]  # reads slo:sli_bad_events:rate5m (level 1)
    assert len(tiers) == 4  # spend: rate5m -> rate5m_by_month -> period_to_date -> allowed rate
    for n, tier in enumerate(tiers):
        for group in tier:
            assert "interval" not in group or group["interval"]
            for rule in group["rules"]:
                read = {name for name in records if name in rule["expr"] and name != rule["record"]}
                assert all(any(name in p for p in placed[:n]) for name in read), (rule["record"], read)


def test_a_circle_of_recording_rules_is_refused(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "g", "rules": [
        {"record": "a:x", "expr": "b:x + 1"}, {"record": "b:x", "expr": "a:x + 1"}]}]}))
    with pytest.raises(StackError, match="circle"):
        levels([str(path)])


def test_passes_follow_the_raw_history_sampling():
    groups = [{"name": "g", "rules": [{"record": "a", "expr": "1"}]},
              {"name": "h", "interval": "5m", "rules": [{"record": "b", "expr": "1"}]}]
    old, recent = _passes(groups, 0, 93600, "15s", 60, 3600)
    assert (old[0], old[1], recent[0], recent[1]) == (0, 90000, 90000, 93600)
    assert [g["interval"] for g in old[2]] == ["1m", "5m"]  # every history step, or the group's when longer
    assert recent[2] == groups  # the last hour at the groups' own intervals
    assert _passes(groups, 0, 3000, "15s", 60, 3600) == [(0, 3000, groups)]
    [(a, b, coarse)] = _passes(groups, 0, 93600, "15s", 150, 0)  # no fine end: every step, to the end
    assert (a, b, [g["interval"] for g in coarse]) == (0, 93600, ["2m30s", "5m"])
    parts = _split(groups + [{"name": "k", "rules": [{"record": "c", "expr": "1"}, {"record": "d", "expr": "1"}]}], 2)
    assert sorted(r["record"] for p in parts for g in p for r in g["rules"]) == ["a", "b", "c", "d"]
    assert all(g["name"] in ("g", "h", "k") for p in parts for g in p)


def test_shortest_window_of_the_recording_rules():
    assert shortest_window(RULES) == (300.0, "feature:ai_requests:rate5m")


def test_coverage_counts_the_evaluation_times_with_a_point():
    assert coverage.evaluations(0, 600, 60) == 11
    data = {"resultType": "matrix", "result": [
        {"values": [[0, "1"], [60, "2"], [120, "NaN"]]}, {"values": [[60, "1"], [600, "3"]]}]}
    times = coverage.points(data)
    assert times == {0.0, 60.0, 600.0}
    assert coverage.share(times, 0, 600, 60) == pytest.approx(3 / 11)
    assert coverage.points({"resultType": "vector", "result": []}) == set()


def test_panel_step_as_grafana_chooses_it():
    assert coverage.panel_interval(86400, 15, {"maxDataPoints": 100}) == 900  # 864 s rounds to 15 min
    assert coverage.panel_interval(86400, 15, {}) == 60  # 1000 points
    assert coverage.panel_interval(86400, 15, {"maxDataPoints": 100, "interval": "1d"}) == 86400
    assert coverage.panel_interval(600, 15, {"maxDataPoints": 100}) == 15  # never below the scrape interval
    assert coverage.builtins(86400, 15, 900)["__rate_interval"] == "15m15s"


def _write_history(path: str, start: float, minutes: int) -> None:
    with open(path, "w") as fh:
        fh.write("# HELP demo_requests Requests.\n# TYPE demo_requests counter\n")
        for i in range(minutes + 1):
            for code in ("200", "500"):
                fh.write(f'demo_requests_total{{code="{code}"}} {i * (10 if code == "200" else 1)} '
                         f"{start + 60 * i:.3f}\n")
        fh.write("# EOF\n")


def _rule_chain(tmp_path, promtool: str):
    """Two hours of raw history in ``tmp_path/data`` and three recording rules reading each other: (data, rules,
    start, end)."""
    data = tmp_path / "data"
    data.mkdir()
    end = (time.time() // 60) * 60 - 600
    start = end - 7200
    _write_history(str(tmp_path / "history.om"), start, 120)
    subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", str(tmp_path / "history.om"), str(data)],
                   check=True, capture_output=True)
    rules = tmp_path / "rules.yml"
    rules.write_text(yaml.safe_dump({"groups": [{"name": "demo", "rules": [
        {"record": "code:demo_requests:rate5m", "expr": "sum by (code) (rate(demo_requests_total[5m]))"},
        {"record": "demo:error_ratio:rate5m",
         "expr": 'code:demo_requests:rate5m{code="500"} / ignoring (code) sum(code:demo_requests:rate5m)'},
        {"record": "demo:error_ratio:avg30m", "expr": "avg_over_time(demo:error_ratio:rate5m[30m])"}]}]}))
    return data, rules, start, end


@pytest.mark.live
@pytest.mark.parametrize("tier", ["2", "3"])
def test_rule_chain_backfilled_level_by_level(tier, tmp_path):
    promtool, prometheus = tool("promtool", tier).path, tool("prometheus", tier).path
    data, rules, start, end = _rule_chain(tmp_path, promtool)
    bounds = history_bounds(str(data))
    assert bounds is not None and bounds[0] == pytest.approx(start, abs=1)
    done = backfill_rules([str(rules)], str(data), prometheus=prometheus, promtool=promtool, start=bounds[0],
                          end=bounds[1], eval_interval="15s", logs=str(tmp_path), log=lambda m: None)
    assert (done["levels"], done["rules"], done["again"]) == (3, 3, [])
    # A Prometheus of our own on the data: the last level covers the history (after its first 30 minutes' ramp).
    url = f"http://127.0.0.1:{_port()}"
    config = tmp_path / "p.yml"
    config.write_text("global: {}\n")
    proc = spawn("prometheus", [prometheus, f"--config.file={config}", f"--storage.tsdb.path={data}",
                                f"--web.listen-address={url[7:]}"], str(tmp_path / "p.log"))
    try:
        wait_ready(proc, url + "/-/ready", 60)
        # What answers on a port is ours only when it stores its data where ours does (a port may be taken).
        assert not_ours(url, str(data)) is None
        assert not_ours(url, str(tmp_path / "elsewhere")) == f"a Prometheus of {data}"
        answer = requests.get(url + "/api/v1/query_range", params={
            "query": "demo:error_ratio:avg30m", "start": start + 600, "end": end, "step": 60}, timeout=10).json()
        times = coverage.points(answer["data"])
        assert coverage.share(times, start + 600, end, 60) > 0.95
        [series] = answer["data"]["result"]
        assert float(series["values"][-1][1]) == pytest.approx(1 / 11, rel=1e-3)
    finally:
        stop(proc)


# A promtool that leaves no blocks, and exits 0, for the rule files named in LOSES (once each, or always): as one
# of a level's promtools did on a loaded machine
LOSING_PROMTOOL = """#!/bin/sh
for last; do :; done
case "$last" in *{loses}) if [ "{always}" = 1 ] || [ ! -e "$last.lost" ]; then touch "$last.lost"; exit 0; fi;; esac
exec {promtool} "$@"
"""


@pytest.mark.live
@pytest.mark.parametrize("always", [False, True], ids=["once", "always"])
def test_a_level_left_without_a_past_is_evaluated_again(tmp_path, always):
    promtool, prometheus = tool("promtool", "3").path, tool("prometheus", "3").path
    data, rules, _, _ = _rule_chain(tmp_path, promtool)
    losing = tmp_path / "promtool"
    losing.write_text(LOSING_PROMTOOL.format(loses="level-1.0.yml" if not always else "level-1*.yml",
                                             always=int(always), promtool=promtool))
    losing.chmod(0o755)
    said = []
    bounds = history_bounds(str(data))

    def backfill():
        return backfill_rules([str(rules)], str(data), prometheus=prometheus, promtool=str(losing), start=bounds[0],
                              end=bounds[1], eval_interval="15s", logs=str(tmp_path), log=said.append)
    if always:
        with pytest.raises(StackError, match=r"no past for demo:error_ratio:rate5m \(level 1\), evaluated twice"):
            backfill()
        return
    done = backfill()
    assert done["again"] == ["demo:error_ratio:rate5m"]
    assert said[0] == ("rule history: 1 names of level 1 have no past (demo:error_ratio:rate5m); evaluating their "
                       "rules again")
    assert done["levels"] == 3 and done["blocks"] > 0


def _port() -> int:
    from generator.live.procs import free_port

    return free_port()


@pytest.mark.live
def test_a_port_taken_before_our_prometheus_binds_it_is_given_up_for_another(tmp_path, monkeypatch):
    """Another server answering on the port picked for the rule history's Prometheus (it took the port before ours
    bound it) is recognised by its data directory, and ours starts on another port."""
    import http.server
    import json
    import threading

    from generator.live import rulehistory

    class Other(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"status": "success", "data": {"storage.tsdb.path": "/elsewhere"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    other = http.server.HTTPServer(("127.0.0.1", 0), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    ports = iter([other.server_address[1]])
    real = rulehistory.free_port
    monkeypatch.setattr(rulehistory, "free_port", lambda: next(ports, None) or real())
    config = tmp_path / "p.yml"
    config.write_text("global: {}\n")
    (tmp_path / "data").mkdir()
    try:
        proc, url = rulehistory._start_own(tool("prometheus", "3").path, str(config), str(tmp_path / "data"),
                                           str(tmp_path / "p.log"))
        try:
            assert url != f"http://127.0.0.1:{other.server_address[1]}"
            assert not_ours(url, str(tmp_path / "data")) is None
        finally:
            stop(proc)
    finally:
        other.shutdown()
