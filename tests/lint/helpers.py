"""Building small dashboards and rule files for the lint tests, and linting them."""

from __future__ import annotations

import copy
import json
import os

import yaml

from generator.catalog import load_catalog
from generator.lint import lint_files
from tests.conftest import ROOT

CATALOG_DIR = os.path.join(ROOT, "catalog")  # the test catalog (the service's own)
CATALOG = load_catalog(CATALOG_DIR)
DS = {"type": "prometheus", "uid": "${datasource}"}


def panel(expr="sum(rate(ai_requests_total[$__rate_interval]))", legend="", **extra) -> dict:
    data = {
        "id": 2, "type": "timeseries", "title": "Requests", "description": "Requests per second.",
        "datasource": DS, "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
        "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
        "targets": [{"refId": "A", "expr": expr, "legendFormat": legend, "datasource": DS}],
    }
    data.update(extra)
    return data


def dashboard(*panels, variables=(), links=(), uid="test-dash") -> dict:
    return {
        "uid": uid, "title": "Test", "schemaVersion": 39, "links": list(links),
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},
                                {"name": "feature", "type": "query", "datasource": DS,
                                 "query": "label_values(ai_requests_total, feature)"}, *variables]},
        "panels": [copy.deepcopy(p) for p in panels] or [panel()],
    }


def alert(expr="sum by (feature) (rate(ai_errors_total[5m])) > 1", **extra) -> dict:
    rule = {
        "alert": "TestAlert", "expr": expr, "for": "5m", "labels": {"severity": "warning"},
        "annotations": {"summary": "{{ $labels.feature }} fails", "description": "{{ $value | humanize }} errors/s",
                        "runbook_url": "https://example.com/runbooks/TestAlert.md",
                        "dashboard_url": "https://grafana.example.com/d/test-dash"},
    }
    rule.update(extra)
    return {k: v for k, v in rule.items() if v is not None}


def rules(*items) -> dict:
    return {"groups": [{"name": "test", "rules": list(items)}]}


def write(tmp_path, name: str, data) -> str:
    path = os.path.join(tmp_path, name)
    with open(path, "w", encoding="utf-8") as fh:
        if name.endswith(".json"):
            json.dump(data, fh, indent=2)
        else:
            fh.write(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def lint_data(tmp_path, *documents, catalog=CATALOG):
    """Lint dashboards (dicts with `panels`) and rule files (dicts with `groups`, or YAML text)."""
    paths = []
    for i, doc in enumerate(documents):
        is_rules = isinstance(doc, str) or "groups" in doc
        paths.append(write(tmp_path, f"input{i}.{'yml' if is_rules else 'json'}", doc))
    return lint_files(paths, catalog)


def checks_of(report) -> set[str]:
    return {p.check for p in report.problems}
