"""alert/missing-annotation: an alert without summary, description, runbook_url or dashboard_url.

What it catches:
    Alerting rules missing one of the annotations every alert of this project carries, or with it blank:
    ``summary`` and ``description`` (errors), ``runbook_url`` and ``dashboard_url`` (warnings).

Why it matters:
    The notification is all an on-call engineer sees: without a summary it reads as a bare name, without a
    runbook nobody knows what to check first, without a dashboard link the investigation starts from nowhere.

Failing example:
    annotations: {summary: "Errors are high"}

Passing example:
    annotations: {summary: "...", description: "...", runbook_url: "https://.../PaymentsFailing.md",
                  dashboard_url: "https://grafana/d/checkout"}
"""

from ..problem import Hit

NAME = "alert/missing-annotation"
SEVERITY = "error"
ENTRY = "rule"

REQUIRED = {"summary": "error", "description": "error", "runbook_url": "warning", "dashboard_url": "warning"}
PURPOSE = {"summary": "one line naming what is wrong and where", "description": "what happened, with values",
           "runbook_url": "a link to the runbook", "dashboard_url": "a link to the dashboard to start from"}


def check(rule, ctx):
    if not rule.is_alert:
        return
    annotations = rule.mapping("annotations")
    for key, severity in REQUIRED.items():
        value = annotations.get(key)
        if not isinstance(value, str) or not value.strip():
            yield Hit(f"has no `{key}` annotation; add {PURPOSE[key]}", severity=severity)
