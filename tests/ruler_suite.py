"""push-rules against a real ruler: the checks tests/test_ruler_real.py runs against a ruler of yours (RULER_URL)
and tests/test_ruler_cortex.py against a Cortex it starts on loopback.

Every check works in namespaces of its own (``generator-test-<random>``), deleted at the end; no other namespace is
read or written. Each command runs as a user runs it (a fresh ``python -m generator``), its output checked for the
secrets.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import requests
import yaml

from generator.delivery.groups import groups_of, rule_files
from generator.delivery.ruler import DEFAULT_API_PATH
from tests.conftest import ROOT, run_cli

GROUPS = groups_of(rule_files(os.path.join(ROOT, "generated", "rules")))
# The ruler's settings reach the CLI only through its flags and RULER_TOKEN / RULER_USER / RULER_PASSWORD.
CLEAN_ENV = {"RULER_URL": "", "RULER_TENANT": ""}


@dataclass
class Ruler:
    url: str
    tenant: str | None
    api: str = DEFAULT_API_PATH

    def headers(self, tenant: str | None = "") -> dict:
        """The ruler's headers for ``tenant`` ("": the suite's tenant; None: no X-Scope-OrgID)."""
        tenant = self.tenant if tenant == "" else tenant
        headers = {"X-Scope-OrgID": tenant} if tenant else {}
        if os.environ.get("RULER_TOKEN"):
            headers["Authorization"] = f"Bearer {os.environ['RULER_TOKEN']}"
        return headers

    @property
    def auth(self):
        return (os.environ["RULER_USER"], os.environ.get("RULER_PASSWORD", "")) if os.environ.get("RULER_USER") \
            else None

    def request(self, method: str, path: str, *, tenant: str | None = "", body: str | None = None):
        headers = self.headers(tenant) | ({"Content-Type": "application/yaml"} if body is not None else {})
        return requests.request(method, f"{self.url.rstrip('/')}{self.api}{path}", headers=headers, auth=self.auth,
                                data=body, timeout=30)

    def groups(self, namespace: str, tenant: str | None = "") -> dict[str, dict]:
        """The namespace's groups by name, read directly (not through the code under test)."""
        response = self.request("GET", f"/{namespace}", tenant=tenant)
        if response.status_code == 404 and "no rule groups found" in response.text:
            return {}
        assert response.status_code == 200, (response.status_code, response.text)
        return {g["name"]: g for g in (yaml.safe_load(response.text) or {}).get(namespace) or []}

    def post(self, namespace: str, group: dict) -> None:
        response = self.request("POST", f"/{namespace}", body=yaml.safe_dump(group))
        assert response.status_code == 202, (response.status_code, response.text)

    def delete(self, namespace: str) -> None:
        for name in self.groups(namespace):
            self.request("DELETE", f"/{namespace}/{name}")

    def cli(self, command: str, namespace: str, *args: str, tenant: str | None = "") -> object:
        """``python -m generator COMMAND --ruler-url … --namespace NAMESPACE``; ``tenant`` None sends none."""
        tenant = self.tenant if tenant == "" else tenant
        flags = ["--ruler-url", self.url, "--namespace", namespace, *(["--tenant", tenant] if tenant else []),
                 *(["--rules-api-path", self.api] if self.api != DEFAULT_API_PATH else [])]
        result = run_cli(command, *flags, *args, env=CLEAN_ENV)
        for secret in (os.environ.get("RULER_TOKEN"), os.environ.get("RULER_PASSWORD")):
            assert not secret or secret not in result.stdout + result.stderr, "a secret was printed"
        return result


def new_namespace() -> str:
    return f"generator-test-{uuid.uuid4().hex[:8]}"


def sync_twice_then_diff_then_prune(ruler: Ruler, namespace: str) -> None:
    """The first sync creates every group, the second writes nothing, diff-rules finds nothing, and a prune with
    nothing to prune writes nothing; what the ruler holds is what the code declares."""
    first = ruler.cli("push-rules", namespace)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"{len(GROUPS)} created" in first.stdout, first.stdout
    assert sorted(ruler.groups(namespace)) == sorted(g.name for g in GROUPS)
    second = ruler.cli("push-rules", namespace)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{len(GROUPS)} unchanged" in second.stdout and "0 writes" in second.stdout, second.stdout
    diff = ruler.cli("diff-rules", namespace)
    assert diff.returncode == 0 and "the target matches the code" in diff.stdout, diff.stdout + diff.stderr
    pruned = ruler.cli("push-rules", namespace, "--prune")
    assert pruned.returncode == 0 and "0 writes" in pruned.stdout, pruned.stdout + pruned.stderr


def prune_keeps_other_namespaces(ruler: Ruler, namespace: str, other: str) -> None:
    """A group the code does not declare is left alone without --prune and deleted with it; a group of another
    namespace of the same tenant is never touched."""
    stray = {"name": "stray", "rules": [{"record": "generator_test:stray", "expr": "vector(1)"}]}
    ruler.post(other, stray)
    assert ruler.cli("push-rules", namespace).returncode == 0
    ruler.post(namespace, stray)
    kept = ruler.cli("push-rules", namespace)
    assert kept.returncode == 0 and "left alone   stray" in kept.stdout, kept.stdout + kept.stderr
    assert "stray" in ruler.groups(namespace)
    pruned = ruler.cli("push-rules", namespace, "--prune")
    assert pruned.returncode == 0, pruned.stdout + pruned.stderr
    assert "deleted      stray" in pruned.stdout and "1 deleted" in pruned.stdout and "(" in pruned.stdout
    assert "stray" not in ruler.groups(namespace)
    assert sorted(ruler.groups(namespace)) == sorted(g.name for g in GROUPS)
    assert list(ruler.groups(other)) == ["stray"], "the prune reached another namespace"


def no_tenant_refused(ruler: Ruler, namespace: str) -> None:
    """A ruler that needs a tenant refuses a push without one: exit 1, a message naming the tenant, nothing
    written."""
    refused = ruler.cli("push-rules", namespace, tenant=None)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "refused" in refused.stderr and "no tenant (X-Scope-OrgID)" in refused.stderr, refused.stderr
    assert ruler.groups(namespace) == {}
