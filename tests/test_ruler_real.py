"""push-rules against a REAL ruler (Grafana Mimir, Cortex, Loki): opt-in, as for Grafana.

    RULER_URL=http://mimir:8080 RULER_TENANT=anonymous [RULER_TOKEN=…] make test-ruler

Everything happens in a namespace of its own (``generator-test-<random>``), deleted at the end; no other namespace
is read or written. ``RULER_API_PATH`` overrides ``/prometheus/config/v1/rules`` (Loki: ``/loki/api/v1/rules``).
"""

from __future__ import annotations

import os
import uuid

import pytest
import requests

from generator.delivery.groups import groups_of, rule_files
from tests.conftest import ROOT, run_cli

URL = os.environ.get("RULER_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="RULER_URL is not set: no real ruler to test against (this suite "
                                                "is opt-in: RULER_URL=… RULER_TENANT=… make test-ruler)")
GROUPS = groups_of(rule_files(os.path.join(ROOT, "generated", "rules")))
API = os.environ.get("RULER_API_PATH", "/prometheus/config/v1/rules")


@pytest.fixture
def namespace():
    name = f"generator-test-{uuid.uuid4().hex[:8]}"
    yield name
    headers = {"X-Scope-OrgID": os.environ["RULER_TENANT"]} if os.environ.get("RULER_TENANT") else {}
    if os.environ.get("RULER_TOKEN"):
        headers["Authorization"] = f"Bearer {os.environ['RULER_TOKEN']}"
    auth = (os.environ["RULER_USER"], os.environ.get("RULER_PASSWORD", "")) if os.environ.get("RULER_USER") else None
    requests.delete(f"{URL.rstrip('/')}{API}/{name}", headers=headers, auth=auth, timeout=30)


def cli(command: str, namespace: str, *args: str):
    extra = ["--rules-api-path", API] if os.environ.get("RULER_API_PATH") else []
    result = run_cli(command, "--ruler-url", URL, "--namespace", namespace, *extra, *args)
    for secret in (os.environ.get("RULER_TOKEN"), os.environ.get("RULER_PASSWORD")):
        assert not secret or secret not in result.stdout + result.stderr
    return result


def test_sync_twice_then_diff_then_prune(namespace):
    first = cli("push-rules", namespace)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"{len(GROUPS)} created" in first.stdout
    second = cli("push-rules", namespace)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{len(GROUPS)} unchanged" in second.stdout and "0 writes" in second.stdout
    diff = cli("diff-rules", namespace)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    pruned = cli("push-rules", namespace, "--prune")
    assert pruned.returncode == 0 and "0 writes" in pruned.stdout, pruned.stdout + pruned.stderr
