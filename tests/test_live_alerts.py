"""End to end, on real servers: each alert fires through Prometheus and Alertmanager into the webhook receiver.

TIME-COMPRESSED. These tests run the stack in the ``compressed`` profile (generator/live/profile.py): the rules
are the project's own RuleGroup objects with every ``for``, range window and ``offset`` divided by 60 (2m → 2s,
5m → 5s, 1h → 1m, ``offset 1d`` → ``offset 24m``), Prometheus scrapes and evaluates every second, Alertmanager
waits 167 ms before a first notification, and the workload simulates one minute per wall-clock second, so rates,
ratios, amounts per window and thresholds mean what they mean in production. The history the workload backfills
(26 simulated hours) gives CostSpike its "same hour yesterday".

Each fault test measures the delay from the fault (the scenario switch) to the notification at the webhook,
beyond the alert's (compressed) ``for``, and the part of it after the alert's condition first held (its
``activeAt``): that is what evaluation and notification add. Both are printed, never asserted (PRODUCT.md's bar
is 30 s in real time).
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest
import requests
from conftest import ROOT

from generator import durations
from generator.build import compile_project
from generator.catalog import load_catalog
from generator.live import webhook
from generator.live.procs import StackError, binary
from generator.live.profile import COMPRESSED
from generator.live.stack import Stack
from generator.live.traffic_yaml import load_traffic
from generator.project import Project

# (scenario of the workload, the alert it must page with): the scenarios of service/traffic.yml that name an alert
_PROJECT = Project.find(ROOT)
FAULTS = load_traffic(_PROJECT.traffic, load_catalog(_PROJECT.catalog)).faults
WAIT_BEYOND_FOR = 120.0  # seconds; generous, the machine running CI may be busy
MEASURED: dict[str, tuple[float, float]] = {}


@pytest.fixture(scope="module")
def project():
    return Project.find(ROOT)


@pytest.fixture(scope="module")
def alerts_for(project):
    """Alert name → its compressed ``for`` in seconds, from the same objects the stack's rules come from."""
    groups = COMPRESSED.groups([g for r in compile_project(project).rules for g in r.groups])
    return {a.name: durations.seconds(a.for_) for g in groups for a in g.alerts}


@pytest.fixture(scope="module")
def stack(project, tmp_path_factory):
    try:
        binary("prometheus"), binary("alertmanager", "prometheus-alertmanager")
    except StackError as e:
        pytest.fail(str(e))
    stack = Stack(project, str(tmp_path_factory.mktemp("stack")), COMPRESSED)
    try:
        stack.up(log=print)
        yield stack
    finally:
        stack.down(log=print)
        assert not any(stack.running().values())


def _parse_time(text: str) -> float:
    """Alertmanager's RFC 3339 times, with up to nanoseconds."""
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$", text)
    base = datetime.fromisoformat(m.group(1) + ("+00:00" if m.group(3) == "Z" else m.group(3)))
    return base.timestamp() + float("0." + (m.group(2) or "0"))


def _prometheus_alerts(stack) -> list[dict]:
    response = requests.get(stack.urls["prometheus"] + "/api/v1/alerts", timeout=10)
    response.raise_for_status()
    return response.json()["data"]["alerts"]


def test_normal_traffic_pages_nobody(stack, alerts_for, capsys):
    """In the normal scenario no alert fires, for longer than the longest ``for``, and the webhook receives
    nothing. (A pending alert is reported: on a loaded machine a scrape may time out now and then.)"""
    assert stack.scenario("normal")["scenario"] == "normal"
    horizon = max(alerts_for.values()) + 5
    deadline = time.monotonic() + horizon
    seen = set()
    while time.monotonic() < deadline:
        seen |= {(a["labels"]["alertname"], a["state"]) for a in _prometheus_alerts(stack)}
        time.sleep(0.5)
    assert not [s for s in seen if s[1] == "firing"], f"alerts fired in normal traffic: {sorted(seen)}"
    assert webhook.read(stack.webhook_log) == []
    if seen:
        with capsys.disabled():
            print(f"\n  normal traffic: went pending but never fired: {sorted(seen)}")


@pytest.mark.parametrize("scenario, alert", FAULTS, ids=[f for f, _ in FAULTS])
def test_fault_reaches_the_webhook(stack, alerts_for, scenario, alert, capsys):
    for_seconds = alerts_for[alert]
    began = time.time()
    stack.scenario(scenario)
    active_at = None
    try:
        deadline = time.monotonic() + for_seconds + WAIT_BEYOND_FOR
        while True:
            for a in _prometheus_alerts(stack):
                if a["labels"]["alertname"] == alert and active_at is None:
                    active_at = _parse_time(a["activeAt"])
            hits = [(received, a) for received, a in webhook.alerts(stack.webhook_log, status="firing", since=began)
                    if a["labels"].get("alertname") == alert and _parse_time(a["startsAt"]) > began]
            if hits:
                break
            if time.monotonic() > deadline:
                notes = [(a["labels"].get("alertname"), a["status"]) for _, a in webhook.alerts(stack.webhook_log)]
                pytest.fail(f"{alert} did not reach the webhook within {for_seconds + WAIT_BEYOND_FOR:.0f} s of "
                            f"scenario {scenario}; Prometheus alerts: {_prometheus_alerts(stack)}; "
                            f"notifications so far: {notes}")
            time.sleep(0.1)
    finally:
        stack.scenario("normal")
    received, notified = hits[0]
    assert notified["status"] == "firing"
    assert notified["annotations"]["runbook_url"].endswith(f"/{alert}.md")
    assert notified["labels"]["severity"] in ("critical", "warning")
    beyond_for = received - began - for_seconds
    after_condition = received - (active_at if active_at is not None else began) - for_seconds
    MEASURED[alert] = (beyond_for, after_condition)
    with capsys.disabled():
        print(f"\n  {alert}: notified {received - began:.2f} s after scenario {scenario}; beyond its `for` "
              f"({for_seconds:g} s compressed): {beyond_for:.2f} s from the fault, {after_condition:.2f} s from the "
              f"moment its condition held (time-compressed 60x)")


# The fast burn alert of the availability objective (service/rules/slos.py): error_spike fails about 21% of each
# feature's requests, over 14.4 times its 1.25% error budget, so the 1h and 5m windows (1 min and 5 s here) both
# cross 18%: the page reaches the webhook with its `slo` label and the shared runbook.
FAST_BURN = ("error_spike", "AvailabilityBudgetBurn1h", "availability")


def test_a_fault_drives_the_fast_burn_alert_to_the_webhook(stack, alerts_for, capsys):
    scenario, alert, slo = FAST_BURN
    began = time.time()
    stack.scenario(scenario)
    try:
        deadline = time.monotonic() + alerts_for[alert] + 60 + WAIT_BEYOND_FOR  # + the long window (1 min)
        while True:
            hits = [(received, a) for received, a in webhook.alerts(stack.webhook_log, status="firing", since=began)
                    if a["labels"].get("alertname") == alert and _parse_time(a["startsAt"]) > began]
            if hits:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"{alert} did not reach the webhook; Prometheus alerts: {_prometheus_alerts(stack)}")
            time.sleep(0.2)
    finally:
        stack.scenario("normal")
    received, notified = hits[0]
    assert notified["labels"]["slo"] == slo and notified["labels"]["severity"] == "critical"
    assert (notified["labels"]["long"], notified["labels"]["short"]) == ("1h", "5m")
    assert notified["annotations"]["runbook_url"].endswith("/SLOBudgetBurn.md")
    with capsys.disabled():
        print(f"\n  {alert} ({notified['labels'].get('feature')}): notified {received - began:.1f} s after scenario "
              f"{scenario} (time-compressed 60x: 1h window = 1 min)")
