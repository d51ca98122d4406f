"""alert/missing-annotation: an alert without summary, description, runbook_url or dashboard_url.

What it catches:
    Alerting rules missing one of the annotations every alert of this project carries, or with it blank: no
    text at all (no ``summary``, ``description`` or ``message``) is an error; ``summary`` or ``description``
    alone is a warning; a missing ``runbook_url`` or ``dashboard_url`` is an info. ``message`` (the single
    annotation of Mimir, Cortex and Loki rules) stands for both summary and description.

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

TEXT = ("summary", "description", "message")
LINKS = {"runbook_url": "a link to the runbook", "dashboard_url": "a link to the dashboard to start from"}


def _has(annotations: dict, key: str) -> bool:
    value = annotations.get(key)
    return isinstance(value, str) and bool(value.strip())


def check(rule, ctx):
    if not rule.is_alert:
        return
    annotations = rule.mapping("annotations")
    present = [key for key in TEXT if _has(annotations, key)]
    if not present:
        yield "has no `summary` or `description` annotation: the notification will carry only the alert's name; " \
              "add a one-line summary and a description with the values"
    elif present == ["summary"]:
        yield Hit("has no `description` annotation; add what happened, with values", severity="warning")
    elif present == ["description"]:
        yield Hit("has no `summary` annotation; add one line naming what is wrong and where", severity="warning")
    for key, purpose in LINKS.items():
        if not _has(annotations, key):
            yield Hit(f"has no `{key}` annotation; add {purpose}", severity="info")
