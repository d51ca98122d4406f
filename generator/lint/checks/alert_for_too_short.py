"""alert/for-too-short: an alert whose ``for`` is shorter than a minute (or than four scrape intervals).

What it catches:
    ``for`` durations above zero but under ``max(1m, 4 × scrape_interval)``.

Why it matters:
    Such an alert confirms a condition over one or two evaluations only: a single missed or late scrape can
    make it fire and resolve and fire again.

Failing example:
    for: 15s

Passing example:
    for: 2m
"""

from datetime import timedelta

import promql_parser

from ... import durations

NAME = "alert/for-too-short"
SEVERITY = "warning"
ENTRY = "rule"


def check(rule, ctx):
    if not rule.is_alert or rule.data.get("for") is None:
        return
    try:
        value = durations.parse(str(rule.data["for"]))
    except ValueError:
        return
    minimum = max(timedelta(minutes=1), ctx.scrape_interval * 4)
    if timedelta(0) < value < minimum:
        yield f"`for: {rule.data['for']}` is shorter than {promql_parser.display_duration(minimum)}; one late " \
              "scrape can make it flap; wait longer"
