"""alert/missing-severity: an alert without a ``severity`` label (or with an unusual one).

What it catches:
    Alerting rules whose ``labels`` have no ``severity`` or an empty one (an error), or a severity that is not
    one of the catalog's ``severity`` values (by default critical, warning, info; a warning).

Why it matters:
    Alertmanager routes on severity: without it a page goes to the default receiver (or nowhere), and a
    misspelt ``critcal`` never pages anyone.

Failing example:
    - alert: PaymentsFailing
      expr: ...
      labels: {team: ai}

Passing example:
    - alert: PaymentsFailing
      expr: ...
      labels: {severity: critical}
"""

from ..problem import Hit

NAME = "alert/missing-severity"
SEVERITY = "error"
ENTRY = "rule"

DEFAULT_SEVERITIES = ("critical", "warning", "info")


def check(rule, ctx):
    if not rule.is_alert:
        return
    severity = rule.mapping("labels").get("severity")
    if not isinstance(severity, str) or not severity.strip():
        yield "has no `severity` label; add `labels: {severity: critical|warning|info}` so Alertmanager can route it"
        return
    allowed = ctx.label_values("severity") or DEFAULT_SEVERITIES
    if severity not in allowed:
        yield Hit(f"severity {severity!r} is not one of {', '.join(allowed)}", severity="warning")
