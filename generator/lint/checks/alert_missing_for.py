"""alert/missing-for: an alert that fires on the first evaluation (no ``for``, or ``for: 0s``).

What it catches:
    Alerting rules without a ``for`` duration, or with a zero one.

Why it matters:
    Without ``for`` a single evaluation over the threshold (one slow scrape, one restart) pages someone; the
    alert flaps and people learn to ignore it.

Failing example:
    - alert: CheckoutSlow
      expr: handler:http_request_duration_seconds:p95_5m > 5

Passing example:
    - alert: CheckoutSlow
      expr: handler:http_request_duration_seconds:p95_5m > 5
      for: 5m
"""

from ... import durations

NAME = "alert/missing-for"
SEVERITY = "warning"
ENTRY = "rule"


def check(rule, ctx):
    if not rule.is_alert:
        return
    raw = rule.data.get("for")
    if raw is None:
        yield "has no `for`; it pages on a single evaluation; wait a few minutes (`for: 5m`) before firing"
        return
    try:
        if durations.parse(str(raw)).total_seconds() == 0:
            yield "has `for: 0s`; it pages on a single evaluation; wait a few minutes before firing"
    except ValueError:
        return  # alert/invalid-rule reports it
