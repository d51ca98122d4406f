"""alert/invalid-rule: a rule file (alerting or recording rules) Prometheus would refuse to load.

What it catches:
    ``groups`` that is not a list, groups without ``name`` or ``rules``, rules without exactly one of ``alert``
    and ``record``, without ``expr``, with ``labels``/``annotations`` that are not mappings, ``for``,
    ``keep_firing_for`` or group ``interval`` values that are not durations, misplaced ``# lint: ignore`` comments.

Why it matters:
    ``promtool check rules`` and Prometheus reject the whole file: none of its alerts run.

Failing example:
    groups:
      - name: ai
        rules:
          - alert: PaymentsFailing
            for: 5 minutes

Passing example:
    groups:
      - name: ai
        rules:
          - alert: PaymentsFailing
            expr: handler:http_request_errors:ratio_rate5m > 0.05
            for: 5m
"""

from ... import durations
from ..problem import Hit

NAME = "alert/invalid-rule"
SEVERITY = "error"
ENTRY = "ruleset"


def check(ruleset, ctx):
    yield from ruleset.issues
    for rule in ruleset.rules:
        for key in ("for", "keep_firing_for"):
            raw = rule.data.get(key)
            if raw is None:
                continue
            try:
                durations.parse(str(raw))
            except ValueError:
                yield Hit(f"`{key}: {raw}` is not a duration like 30s, 5m or 1h", at=rule)
        if not rule.is_alert and ("for" in rule.data or "annotations" in rule.data):
            yield Hit("a recording rule takes no `for` or `annotations`", at=rule)
