"""push-rules against a REAL ruler (Grafana Mimir, Cortex, Loki): opt-in, as for Grafana.

    RULER_URL=http://mimir:8080 RULER_TENANT=anonymous [RULER_TOKEN=…] make test-ruler

Everything happens in namespaces of their own (``generator-test-<random>``), deleted at the end; no other namespace
is read or written. ``RULER_API_PATH`` overrides ``/prometheus/config/v1/rules`` (Cortex: ``/api/v1/rules``, Loki:
``/loki/api/v1/rules``). The checks are those of tests/ruler_suite.py, which tests/test_ruler_cortex.py also runs
against a Cortex it starts itself.
"""

from __future__ import annotations

import os

import pytest

from generator.delivery.ruler import DEFAULT_API_PATH
from tests import ruler_suite

URL = os.environ.get("RULER_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="RULER_URL is not set: no real ruler to test against (this suite "
                                                "is opt-in: RULER_URL=… RULER_TENANT=… make test-ruler)")


@pytest.fixture
def ruler():
    return ruler_suite.Ruler(URL, os.environ.get("RULER_TENANT") or None,
                             os.environ.get("RULER_API_PATH") or DEFAULT_API_PATH)


@pytest.fixture
def namespace(ruler):
    name = ruler_suite.new_namespace()
    yield name
    ruler.delete(name)


@pytest.fixture
def other_namespace(ruler):
    name = ruler_suite.new_namespace()
    yield name
    ruler.delete(name)


def test_sync_twice_then_diff_then_prune(ruler, namespace):
    ruler_suite.sync_twice_then_diff_then_prune(ruler, namespace)


def test_prune_keeps_other_namespaces(ruler, namespace, other_namespace):
    ruler_suite.prune_keeps_other_namespaces(ruler, namespace, other_namespace)


def test_no_tenant_is_refused(ruler, namespace):
    if not ruler.tenant:
        pytest.skip("RULER_TENANT is not set: this ruler takes requests without a tenant")
    ruler_suite.no_tenant_refused(ruler, namespace)
