"""alert/duplicate-name: two alerting rules with the same name.

What it catches:
    Alert names used more than once: across this repository's rule files, or within one file given on the
    command line (files linted together may come from different projects). Same name and same labels is an
    error (a copy-paste: the two fight over one alert identity); same name with different labels (a warning and
    a critical tier) is a warning.

Why it matters:
    Alertmanager, silences and runbook links identify an alert by its name and labels; duplicates make
    notifications, silences and dashboards of "firing alerts" ambiguous.

Failing example:
    - alert: PaymentsFailing
      expr: ...
      labels: {severity: critical}
    - alert: PaymentsFailing
      expr: ...
      labels: {severity: critical}

Passing example:
    - alert: PaymentsFailing
      expr: ...
      labels: {severity: critical}
    - alert: PaymentsFailingWarning
      expr: ...
      labels: {severity: warning}
"""

from ..problem import Hit

NAME = "alert/duplicate-name"
SEVERITY = "error"
ENTRY = "ruleset"


def check(ruleset, ctx):
    seen: dict[tuple[str, str], list] = {}
    for rule in ruleset.rules:
        if not rule.is_alert:
            continue
        labels = sorted((str(k), str(v)) for k, v in rule.mapping("labels").items())
        # Files given on the command line may come from different projects: compare within each file there.
        key = (rule.name, "" if ctx.uids_complete else rule.place.file)
        for other, other_labels in seen.get(key, []):
            where = " › ".join(other.place.path)
            line = f" (line {other.place.line})" if other.place.line and other.place.file == rule.place.file else ""
            if labels == other_labels:
                yield Hit(f"alert {rule.name} is already defined with the same labels at {where}{line}; rename "
                          "one or merge them", at=rule)
            else:
                yield Hit(f"alert {rule.name} is also defined at {where}{line} (with other labels); give each "
                          "its own name unless they are deliberate tiers", at=rule, severity="warning")
            break
        seen.setdefault(key, []).append((rule, labels))
