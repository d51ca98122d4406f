"""push-rules against a real ruler with the Mimir ruler API: a Cortex (`make tools-ruler` builds it into .tools/)
started here, single-process on loopback, from deploy/cortex-ruler.yml: the ruler alone, rule groups stored on the
filesystem, X-Scope-OrgID required. The checks of tests/ruler_suite.py (which test_ruler_real.py runs against a
ruler of yours), and what Cortex refuses: no tenant, a tenant ID it does not accept, another tenant's groups.

Skipped, saying why, when no Cortex is built (`make tools-ruler`, or CORTEX=/path/to/cortex).
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests

from generator import tools
from generator.live.stack import HOST, free_port
from tests import ruler_suite
from tests.conftest import ROOT

try:
    CORTEX = tools.extra("cortex")
    WHY = "" if CORTEX else tools.extra_hint("cortex")
except tools.ToolMissing as e:
    CORTEX, WHY = None, str(e)

pytestmark = [pytest.mark.live, pytest.mark.skipif(CORTEX is None, reason=f"no Cortex to start: {WHY}")]
CONFIG = os.path.join(ROOT, "deploy", "cortex-ruler.yml")
API = "/api/v1/rules"  # Cortex's path of the ruler API (Mimir: /prometheus/config/v1/rules)
TENANT = "team-a"


@pytest.fixture(scope="module")
def cortex(tmp_path_factory):
    data = tmp_path_factory.mktemp("cortex")
    http, grpc = free_port(), free_port()
    env = {**os.environ, "CORTEX_HTTP_PORT": str(http), "CORTEX_GRPC_PORT": str(grpc), "CORTEX_DATA": str(data)}
    with open(data / "cortex.log", "wb") as log:
        process = subprocess.Popen([CORTEX, f"-config.file={CONFIG}", "-config.expand-env=true"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, cwd=data)
    url = f"http://{HOST}:{http}"

    def log() -> str:
        return (data / "cortex.log").read_text()[-3000:]

    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"cortex exited with {process.returncode}:\n{log()}"
            try:
                if requests.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"cortex not ready in 60 s:\n{log()}"
            time.sleep(0.2)
        yield ruler_suite.Ruler(url, TENANT, API)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def namespace(cortex):
    name = ruler_suite.new_namespace()
    yield name
    cortex.delete(name)


@pytest.fixture
def other_namespace(cortex):
    name = ruler_suite.new_namespace()
    yield name
    cortex.delete(name)


def test_sync_twice_then_diff_then_prune(cortex, namespace):
    ruler_suite.sync_twice_then_diff_then_prune(cortex, namespace)


def test_prune_keeps_other_namespaces(cortex, namespace, other_namespace):
    ruler_suite.prune_keeps_other_namespaces(cortex, namespace, other_namespace)


def test_no_tenant_is_refused(cortex, namespace):
    ruler_suite.no_tenant_refused(cortex, namespace)
    assert cortex.request("GET", f"/{namespace}", tenant=None).status_code == 401  # no org id, as documented


def test_a_tenant_id_cortex_does_not_accept_is_refused(cortex, namespace):
    """'..' is no tenant ID to Cortex (it names a folder of the rule storage): 400, and push-rules says so."""
    refused = cortex.cli("push-rules", namespace, tenant="..")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "answered 400" in refused.stderr and "no org id" in refused.stderr, refused.stderr
    assert cortex.groups(namespace) == {}


def test_tenants_see_only_their_own_groups(cortex, namespace):
    assert cortex.cli("push-rules", namespace).returncode == 0
    assert cortex.groups(namespace, tenant="team-b") == {}
    other = cortex.cli("diff-rules", namespace, tenant="team-b")
    assert other.returncode == 1 and f"a push would change {len(ruler_suite.GROUPS)} of" in other.stdout, \
        other.stdout + other.stderr
    assert len(cortex.groups(namespace)) == len(ruler_suite.GROUPS)
