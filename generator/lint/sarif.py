"""SARIF 2.1.0 output (``lint --format sarif``): what GitHub code scanning and other code-scanning tools read. One
run, one rule per check with its page, one result per problem at the Python line that declared the object when
known (else the generated file and line)."""

from __future__ import annotations

import json

from .. import __version__
from ..refdocs.checks import DOCS_URL
from ..refdocs.checks import url as page_url
from .registry import CHECKS, summary

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _location(p) -> dict:
    src = p.place.source
    file, line = (src.file, src.line) if src else (p.place.file, p.place.line)
    physical: dict = {"artifactLocation": {"uri": file}}
    if line:
        physical["region"] = {"startLine": int(line)}
    location: dict = {"physicalLocation": physical}
    if p.place.where:
        location["logicalLocations"] = [{"fullyQualifiedName": p.place.where}]
    return location


def sarif(report) -> str:
    modules = {c.NAME: c for c in CHECKS}
    used = sorted({p.check for p in report.problems})
    rules = []
    for name in used:
        rule: dict = {"id": name, "name": name}
        if name in modules:
            rule["shortDescription"] = {"text": summary(modules[name])}
            rule["helpUri"] = page_url(name)
            rule["defaultConfiguration"] = {"level": LEVEL[modules[name].SEVERITY]}
        rules.append(rule)
    index = {name: i for i, name in enumerate(used)}
    results = []
    for p in report.problems:
        result = {"ruleId": p.check, "ruleIndex": index[p.check], "level": LEVEL[p.severity],
                  "message": {"text": (f"{p.place.where}: " if p.place.where else "") + p.message},
                  "locations": [_location(p)]}
        if p.place.source:  # the generated file too, where the object landed
            generated = {"artifactLocation": {"uri": p.place.file}}
            if p.place.line:
                generated["region"] = {"startLine": int(p.place.line)}
            result["relatedLocations"] = [{"id": 0, "physicalLocation": generated,
                                           "message": {"text": "generated output"}}]
        results.append(result)
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "ai-monitoring-as-code", "version": __version__,
                            "informationUri": DOCS_URL, "rules": rules}},
        "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
