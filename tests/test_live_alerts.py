"""End to end, on real servers: each alert fires through Prometheus and Alertmanager into the webhook receiver.

TIME-COMPRESSED. These tests run the stack in the ``compressed`` profile (generator/live/profile.py): the rules
are the project's own RuleGroup objects with every ``for``, range window and ``offset`` divided by 60 (2m → 2s,
5m → 5s, 1h → 1m, ``offset 1d`` → ``offset 24m``), Prometheus scrapes and evaluates every second, Alertmanager
waits 167 ms before a first notification, and the workload simulates one minute per wall-clock second, so rates,
ratios, amounts per window and thresholds mean what they mean in production. The history the workload backfills
(26 simulated hours; the smokes' stacks two) gives CostSpike its "same hour yesterday".

Each fault test measures the delay from the fault (the scenario switch) to the notification at the webhook,
beyond the alert's (compressed) ``for``, and the part of it after the alert's condition first held (its
``activeAt``): that is what evaluation and notification add. Both are printed, never asserted (PRODUCT.md's bar
is 30 s in real time).

Every test runs for each metric naming ([tool.generator.namings]): the default one, and the GenAI semantic
conventions in a copy of the content with `metrics = "genai-semconv"`, whose workload records through the real
OpenTelemetry SDK and Prometheus exporter. `-k genai-semconv` (or `-k ai-service-`) runs one of them; one
stack per naming serves its cases, in order.

They run on Prometheus 3 and Alertmanager 0.35 (the tier `make tools` builds; on a machine without Go, on 2). A
smoke of the repository's naming keeps Prometheus 2 (Debian's 2.42 and Alertmanager 0.25) honest: its latency
fault and the SLO's fast burn reach the webhook through it (ids `prometheus2-...`, `-k prometheus2`).
"""

from __future__ import annotations

import dataclasses
import re
import time
import tomllib
from datetime import datetime, timedelta

import pytest
import requests
from conftest import ROOT, content_with_naming, live_tier, tool

from generator import durations
from generator.build import compile_project
from generator.catalog import load_catalog
from generator.live import webhook
from generator.live.profile import COMPRESSED
from generator.live.stack import Stack
from generator.live.traffic_yaml import load_traffic
from generator.project import Project

pytestmark = [pytest.mark.live, pytest.mark.timed]

with open(f"{ROOT}/pyproject.toml", "rb") as _fh:
    _SETTINGS = tomllib.load(_fh)["tool"]["generator"]
_ALL = _SETTINGS.get("namings") or {"": {}}
# Every scraped naming runs every case. The namings pushed over OTLP read what genai-semconv reads (the same catalog
# and traffic), so one smoke proves their path: the dotted one's error fault reaches the webhook (OTLP_SMOKE). Their
# silence is proven by promtool (rules/scenarios/ai_service_no_data.py), not here: a series pushed over OTLP goes
# stale only after the 5-minute lookback, which the compressed profile does not scale.
NAMINGS = sorted(n for n in _ALL if (_ALL[n] or {}).get("ingestion") != "otlp")
OTLP_SMOKE = [(n, "error_spike", "HighErrorRate") for n in sorted(_ALL)
              if (_ALL[n] or {}).get("otlp_translation_strategy") == "NoUTF8EscapingWithSuffixes"]


def _project(naming: str) -> Project:
    """The repository's project with `metrics` set to ``naming`` (paths in the repository)."""
    return Project.from_settings(ROOT, {**_SETTINGS, "metrics": naming})

# (naming, scenario of the workload, the alert it must page with): each naming's traffic file's scenarios that
# name an alert


def _faults(naming: str) -> list[tuple[str, str]]:
    project = _project(naming)
    return load_traffic(project.traffic, load_catalog(project.catalog)).faults


FAULTS = [(naming, scenario, alert) for naming in NAMINGS for scenario, alert in _faults(naming)]
# The fast burn alert of the availability objective (rules/slos.py): the outage scenario fails about 61% of
# each feature's requests, so the 5m window (5 s here) crosses 14.4 times the 1.25% error budget (18%) at once and
# the 1h window (1 min) after about 17 s: the page reaches the webhook with its `slo` label and the shared runbook.
FAST_BURN = ("outage", "AvailabilityBudgetBurn1h", "availability")

# Per naming: normal traffic first, then each fault, then the SLO's fast burn; one stack per naming serves them in
# this order.
CASES = [case for naming in NAMINGS
         for case in [(naming, "normal", None)] + [f for f in FAULTS if f[0] == naming]
         + [(naming, "slo-fast-burn", FAST_BURN[1])]]
# The smoke on Prometheus 2: the repository's naming, its latency fault (one that burns no availability budget: the
# fast burn right after it must start the alert afresh) and the fast burn.
_OWN = _SETTINGS.get("metrics", NAMINGS[0])
_OWN_FAULTS = [f for f in FAULTS if f[0] == _OWN]
SMOKE_2 = [next((f for f in _OWN_FAULTS if f[2] == "HighLatency"), _OWN_FAULTS[0])] + [
    c for c in CASES if c[0] == _OWN and c[1] == "slo-fast-burn"]
RUNS = [("live", *c) for c in CASES + OTLP_SMOKE] + [("2", *c) for c in SMOKE_2]
# The 26 simulated hours of history are for CostSpike's "same hour yesterday" and for the normal traffic's full
# windows. A stack that serves neither (the smokes: an alert over 5-minute windows, the fast burn over 1 hour) gets
# two hours, which hold every window it reads, and starts sooner (the dotted naming's: 7 s instead of 21).
FULL_HISTORY = {(t, n) for t, n, s, a in RUNS if s == "normal" or a == "CostSpike"}
SMOKE = dataclasses.replace(COMPRESSED, history=timedelta(hours=2))
WAIT_BEYOND_FOR = 120.0  # seconds; generous, the machine running CI may be busy
QUIET = 20.0  # seconds of normal traffic watched at least: 20 simulated minutes, four times the 5m windows
SETTLED = 5.0  # seconds with no alert pending that end the watch
MEASURED: dict[str, tuple[float, float]] = {}


def _switched(naming: str, tmp_path_factory) -> Project:
    """The repository for its own naming; a copy of its content with `metrics` switched for another."""
    if naming == Project.find(ROOT).metrics:
        return Project.find(ROOT)
    project = Project.find(content_with_naming(tmp_path_factory.mktemp(naming), naming))
    assert project.metrics == naming
    return project


class _Stacks:
    """One stack per naming, shared by that naming's tests: the tests of a naming run one after the other (the
    order of FAULTS), and a naming's stack is stopped when the next one starts, so that one runs at a time."""

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.naming, self.current, self.alerts_for = None, None, {}
        self.tier = "3"  # the Prometheus of the next case (test_scenario sets it)
        self.profile = COMPRESSED  # and its profile: SMOKE's shorter history for a stack of smokes only

    def get(self, naming: str, tier: str):
        if (naming, tier) != self.naming:
            self.close()
            for name in ("prometheus", "alertmanager", "promtool"):
                tool(name, tier)
            project = _switched(naming, self.tmp)
            groups = COMPRESSED.groups([g for r in compile_project(project).rules for g in r.groups])
            self.alerts_for = {a.name: durations.seconds(a.for_) for g in groups for a in g.alerts}
            stack = Stack(project, str(self.tmp.mktemp("stack")), self.profile, tier=tier)
            self.naming, self.current = (naming, tier), stack
            stack.up(log=print)
        return self.current

    def close(self):
        if self.current is not None:
            stack, self.current, self.naming = self.current, None, None
            stack.down(log=print)
            assert not any(stack.running().values())


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    manager = _Stacks(tmp_path_factory)
    try:
        yield manager
    finally:
        manager.close()


def _parse_time(text: str) -> float:
    """Alertmanager's RFC 3339 times, with up to nanoseconds."""
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$", text)
    base = datetime.fromisoformat(m.group(1) + ("+00:00" if m.group(3) == "Z" else m.group(3)))
    return base.timestamp() + float("0." + (m.group(2) or "0"))


def _prometheus_alerts(stack) -> list[dict]:
    response = requests.get(stack.urls["prometheus"] + "/api/v1/alerts", timeout=30)
    response.raise_for_status()
    return response.json()["data"]["alerts"]


@pytest.mark.parametrize("tier, naming, scenario, alert", RUNS,
                         ids=[("" if t == "live" else f"prometheus{t}-") + f"{n}-{s}" for t, n, s, _ in RUNS])
def test_scenario(stacks, tier, naming, scenario, alert, capsys):
    """Normal traffic pages nobody; each fault reaches the webhook with its alert."""
    if tier != "live" and tier == live_tier():
        pytest.skip(f"the whole suite runs on Prometheus {tier} here")
    stacks.tier, stacks.profile = live_tier() if tier == "live" else tier, (
        COMPRESSED if (tier, naming) in FULL_HISTORY else SMOKE)
    if alert is None:
        _normal_traffic_pages_nobody(stacks, naming, capsys)
    elif scenario == "slo-fast-burn":
        _fast_burn_reaches_the_webhook(stacks, naming, capsys)
    else:
        _fault_reaches_the_webhook(stacks, naming, scenario, alert, capsys)


def _normal_traffic_pages_nobody(stacks, naming, capsys):
    """In the normal scenario no alert fires and the webhook receives nothing. Traffic is steady and every window
    is full of backfilled history, so the test watches for QUIET seconds; an alert that goes pending (the long
    burn-rate windows hold only a few recorded points right after start-up, and on a loaded machine a scrape may
    time out) must leave the pending state before its ``for`` has passed, so the test goes on until nothing has
    been pending for SETTLED seconds."""
    stack, alerts_for = stacks.get(naming, stacks.tier), stacks.alerts_for
    assert stack.scenario("normal")["scenario"] == "normal"
    began = time.monotonic()
    deadline = began + max(alerts_for.values()) + WAIT_BEYOND_FOR
    seen: set[tuple[str, str]] = set()
    last_pending = began
    while time.monotonic() < deadline:
        alerts = _prometheus_alerts(stack)
        seen |= {(a["labels"]["alertname"], a["state"]) for a in alerts}
        assert not [s for s in seen if s[1] == "firing"], f"alerts fired in normal traffic: {sorted(seen)}"
        now = time.monotonic()
        if any(a["state"] == "pending" for a in alerts):
            last_pending = now
        elif now - began >= QUIET and now - last_pending >= SETTLED:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"alerts still pending after every `for` has passed: {sorted(seen)}")
    assert webhook.read(stack.webhook_log) == []
    with capsys.disabled():
        pending = f"; went pending, then back to inactive: {sorted(seen)}" if seen else ""
        print(f"\n  normal traffic: no alert fired in {time.monotonic() - began:.0f} s{pending}")


def _fault_reaches_the_webhook(stacks, naming, scenario, alert, capsys):
    stack = stacks.get(naming, stacks.tier)
    for_seconds = stacks.alerts_for[alert]
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


def _fast_burn_reaches_the_webhook(stacks, naming, capsys):
    stack, alerts_for = stacks.get(naming, stacks.tier), stacks.alerts_for
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
        where = ", ".join(f"{k}={v}" for k, v in sorted(notified["labels"].items())
                          if k not in ("alertname", "severity", "slo", "long", "short"))
        print(f"\n  {alert} ({where}): notified {received - began:.1f} s after scenario "
              f"{scenario} (time-compressed 60x: 1h window = 1 min)")
