"""A check's docstring examples, made into cases: the "Failing example:" must be reported by the check, the
"Passing example:" must not.

An example is the first paragraph of its section (further paragraphs are notes for the reader). It is written
against the catalog of tests/lint/examples-catalog.yml (a web shop's ``http_requests_total``,
``http_request_duration_seconds``, ...), and is one of:

- a PromQL expression (YAML reads it as one string, lines joined): a panel query of a dashboard, or for a check
  of rules (ENTRY ``rule``/``ruleset``) the expression of an otherwise complete alert;
- bare keys of a panel, a dashboard or an alert (``for: 15s``; ``"datasource": {...}``; ``"panels": [...]``;
  ``expr: ...`` with ``summary: ...``, keys that are no rule keys being annotations): those keys on an otherwise
  complete one (DASHBOARD, PANEL, ALERT below). Dashboard keys (``panels``, ``links``, ``templating``, ``uid``)
  make a dashboard fragment;
- whole objects, taken as written: JSON panels (``{"type": "stat", ...}``, several separated by commas), a JSON
  dashboard (one with ``panels``), a YAML list of rules (``- alert: ...``), a rule file (``groups:``);
- ``query:`` (and ``legend:``): a dashboard with one panel running that query;
- for a catalog/* check, catalog entries (``name: {type: counter, ...}``, or ``labels:`` and ``metrics:``
  sections) merged into the examples catalog, which is then linted.

Everywhere ``...`` stands for the rest of a complete object: as a value (``expr: ...``, ``"targets": [...]``) the
default's value of that key, as a member (``{"id": 2, ...}``) the default's other keys. A metric's default is
the examples catalog's metric of that name, else a counter with a help text (and buckets for a histogram).
"""

from __future__ import annotations

import copy
import json
import os
import textwrap

import yaml

from generator.lint.registry import DOC_SECTIONS

EXAMPLES_CATALOG = os.path.join(os.path.dirname(__file__), "examples-catalog.yml")
REST = "..."
RULE_KEYS = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}
DASHBOARD_KEYS = {"panels", "links", "templating", "uid", "rows"}
DS = {"type": "prometheus", "uid": "${datasource}"}

ALERT = {
    "alert": "CheckoutErrors", "expr": "sum by (handler) (rate(http_request_errors_total[5m])) > 1", "for": "5m",
    "labels": {"severity": "warning"},
    "annotations": {"summary": "{{ $labels.handler }} fails", "description": "{{ $value | humanize }} errors a second",
                    "runbook_url": "https://example.com/runbooks/CheckoutErrors.md",
                    "dashboard_url": "https://grafana.example.com/d/checkout"},
}
DASHBOARD = {
    "uid": "checkout", "title": "Checkout", "schemaVersion": 39, "links": [],
    "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},
                            {"name": "handler", "type": "query", "datasource": DS,
                             "query": "label_values(http_requests_total, handler)"}]},
}


def panel(i: int = 0) -> dict:
    """The default (complete, clean) panel, the i-th of its dashboard: two to a row of the grid."""
    return {
        "id": 2 + i, "type": "timeseries", "title": "Request rate", "description": "Requests per second, by handler.",
        "datasource": DS, "gridPos": {"x": 12 * (i % 2), "y": 8 * (i // 2), "w": 12, "h": 8},
        "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
        "targets": [{"refId": "A", "expr": "sum by (handler) (rate(http_requests_total[$__rate_interval]))",
                     "legendFormat": "{{handler}}", "datasource": DS}],
    }


def examples(module) -> dict[str, str]:
    """The failing and passing example of a check's docstring: {"failing": text, "passing": text}."""
    doc = module.__doc__ or ""
    found = {}
    for i, heading in enumerate(DOC_SECTIONS):
        if "example" not in heading:
            continue
        start = doc.index("\n" + heading) + len(heading) + 1
        end = doc.find("\n" + DOC_SECTIONS[i + 1], start) if i + 1 < len(DOC_SECTIONS) else -1
        section = textwrap.dedent(doc[start:end if end >= 0 else len(doc)]).strip("\n")
        found[heading.split()[0].lower()] = section.split("\n\n")[0].strip()
    return found


def example_case(module, text: str) -> dict:
    """The case (see tests/lint/cases.py) that lints one docstring example of ``module``."""
    catalog = _read_catalog()
    data = _parse(text)
    if module.NAME.startswith("catalog/"):
        return {"catalog_input": yaml.safe_dump(_merge_catalog(catalog, data), sort_keys=False)}
    case = {"catalog_input": yaml.safe_dump(catalog, sort_keys=False)}
    whole = text.lstrip().startswith(("{", "[", "-"))
    if isinstance(data, str):
        if module.ENTRY in ("rule", "ruleset"):
            return {**case, "input": _rules([{**copy.deepcopy(ALERT), "expr": data}])}
        return {**case, "input": _dashboard([{**panel(), "targets": [_target(data)]}])}
    if isinstance(data, dict) and "groups" in data:
        return {**case, "input": text}
    if isinstance(data, dict) and "query" in data:
        return {**case, "input": _dashboard([{**panel(), "targets": [_target(data["query"], data.get("legend"))]}])}
    if isinstance(data, list) and text.lstrip().startswith("-"):
        return {**case, "input": _rules([fill(rule, ALERT) for rule in data])}
    if isinstance(data, list):
        return {**case, "input": _dashboard([fill(p, panel(i)) for i, p in enumerate(data)])}
    if not isinstance(data, dict):
        raise AssertionError(f"{module.NAME}: cannot tell what this example is: {text!r}")
    if whole:
        return {**case, "input": _json(fill(data, DASHBOARD) if "panels" in data else {**DASHBOARD,
                                                                                     "panels": [fill(data, panel())]})}
    if module.NAME.startswith("alert/"):
        return {**case, "input": _rules([_alert_fragment(data)])}
    if set(data) & DASHBOARD_KEYS:
        return {**case, "input": _json({**DASHBOARD, "panels": [panel()], **fill(data, DASHBOARD)})}
    return {**case, "input": _dashboard([{**panel(), **fill(data, panel())}])}


def fill(value, default):
    """``value`` with every ``...`` in it replaced by what ``default`` has there (see the module docstring)."""
    if isinstance(value, dict):
        base = copy.deepcopy(default) if REST in value and isinstance(default, dict) else {}
        for key, item in value.items():
            sub = default.get(key) if isinstance(default, dict) else None
            if key == REST:
                continue
            if item == REST or item == [REST]:
                if sub is not None:
                    base[key] = copy.deepcopy(sub)
            elif key == "panels" and isinstance(item, list):
                base[key] = [fill(p, panel(i)) for i, p in enumerate(item)]
            else:
                base[key] = fill(item, sub)
        return base
    if isinstance(value, list):
        return [fill(item, None) for item in value if item != REST]
    return value


def _alert_fragment(data: dict) -> dict:
    rule = copy.deepcopy(ALERT)
    for key, item in data.items():
        target = rule if key in RULE_KEYS else rule["annotations"]
        if key != REST and item != REST:
            target[key] = fill(item, target.get(key))
    return rule


def _merge_catalog(catalog: dict, data: dict) -> dict:
    """The examples catalog with the example's labels and metrics (``name: {...}`` alone: metrics)."""
    sections = data if set(data) & {"labels", "metrics"} else {"metrics": data}
    merged = copy.deepcopy(catalog)
    merged["labels"].update(sections.get("labels") or {})
    for name, spec in (sections.get("metrics") or {}).items():
        default = catalog["metrics"].get(name) or {"type": "counter", "unit": "", "help": "An example metric.",
                                                   "labels": []}
        if isinstance(spec, dict) and spec.get("type", default["type"]) == "histogram":
            default = {"buckets": [0.1, 1, 10], **default, "type": "histogram"}
        merged["metrics"][name] = fill(spec, default)
    return merged


def _parse(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return yaml.safe_load("[" + text + "]")  # several JSON objects, separated by commas


def _read_catalog() -> dict:
    with open(EXAMPLES_CATALOG, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _target(expr: str, legend: str | None = None) -> dict:
    return {"refId": "A", "expr": expr, "legendFormat": legend or "", "datasource": DS}


def _dashboard(panels: list) -> str:
    return _json({**DASHBOARD, "panels": panels})


def _rules(items: list) -> str:
    return yaml.safe_dump({"groups": [{"name": "checkout", "rules": items}]}, sort_keys=False, allow_unicode=True)


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
