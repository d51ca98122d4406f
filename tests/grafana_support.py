"""Fixtures and helpers for the Grafana tests: a stand-in Grafana per test, and runners that check for leaks.

Every runner here asserts that the secret never shows in what it returns (stdout, stderr, logs, exception text),
so each scenario doubles as a "the token is never printed" test.
"""

from __future__ import annotations

import json
import logging
import os

import pytest

from generator.grafana import folders
from generator.grafana.client import GrafanaClient
from generator.grafana.config import settings_from
from generator.grafana.push import Dashboard, Pusher, load_dashboards
from tests.conftest import ROOT, run_cli
from tests.grafana_standin import StandInGrafana

# How many dashboards the repository builds (the counts push and diff print follow it).
DASHBOARDS = len([f for f in os.listdir(os.path.join(ROOT, "generated", "dashboards")) if f.endswith(".json")])
TOKEN = "glsa_TestSecretToken_9f8e7d6c5b4a"  # distinctive, so that a leak anywhere is found
PASSWORD = "pa55-w0rd-Secret-Zebra"
SECRETS = (TOKEN, PASSWORD, "Bearer " + TOKEN)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in (text or ""), f"a secret leaked into: {text[:300]!r}"


@pytest.fixture
def grafana():
    with StandInGrafana(token=TOKEN, users={"admin": PASSWORD}, record=True) as server:
        yield server


@pytest.fixture
def no_grafana_env(monkeypatch):
    for name in ("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_USER", "GRAFANA_PASSWORD", "GRAFANA_ORG_ID",
                 "GRAFANA_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


def cli(command: str, project, grafana_url: str | None, *args: str, token: str | None = TOKEN, env=None):
    """``python -m generator COMMAND --grafana-url URL ARGS`` in ``project``, with the token in the environment."""
    full_env = {"GRAFANA_TOKEN": token or "", "GRAFANA_USER": "", "GRAFANA_PASSWORD": "", "GRAFANA_URL": "",
                "GRAFANA_ORG_ID": "", **(env or {})}
    url_args = ["--grafana-url", grafana_url] if grafana_url else []
    result = run_cli(command, *url_args, *args, cwd=str(project), env=full_env)
    assert_no_secret(result.stdout, result.stderr)
    return result


def push(project, grafana, *args, **kwargs):
    return cli("push", project, grafana.url, "--folder", "AI/Service", *args, **kwargs)


def client_for(grafana, *, token: str = TOKEN, retries: int = 3, backoff: float = 0.01, sleep=None, **kw):
    settings = settings_from(url=grafana.url if hasattr(grafana, "url") else grafana, retries=retries,
                             backoff=backoff, environ={"GRAFANA_TOKEN": token}, **kw)
    return GrafanaClient(settings, **({"sleep": sleep} if sleep else {}))


def repo_dashboards() -> list[Dashboard]:
    return load_dashboards(os.path.join(ROOT, "generated", "dashboards"))


def push_in_process(grafana, dashboards=None, *, folder=("AI", "Service"), conflicts_dir, client=None,
                    prune=False, jobs=4, **kwargs):
    client = client or client_for(grafana)
    target = folders.resolve(client, list(folder), create=not kwargs.get("dry_run", False))
    report = Pusher(client, target, conflicts_dir=str(conflicts_dir), jobs=jobs, **kwargs).push(
        repo_dashboards() if dashboards is None else dashboards, prune=prune)
    assert_no_secret(*(o.detail for o in report.outcomes))
    return report


def actions(report) -> dict[str, str]:
    return {o.uid: o.action for o in report.outcomes}


def live(grafana, uid: str) -> dict:
    return grafana.dashboards[uid]["dashboard"]


def generated(uid: str) -> dict:
    with open(os.path.join(ROOT, "generated", "dashboards", f"{uid}.json")) as fh:
        return json.load(fh)


class CapturedLogs(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def grafana_logs():
    handler = CapturedLogs()
    log = logging.getLogger("generator.grafana")
    old = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield handler
    log.removeHandler(handler)
    log.setLevel(old)
    assert_no_secret(*handler.lines)
