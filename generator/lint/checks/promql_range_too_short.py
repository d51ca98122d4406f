"""promql/range-too-short: a range window shorter than four scrape intervals.

What it catches:
    ``rate(x[30s])`` when the catalog's scrape interval is 15s, and in dashboards ``[$__interval]`` under a
    rate-like function when the panel does not set a minimum interval (Grafana's ``$__interval`` shrinks with
    the time range; ``$__rate_interval`` does not go below four scrapes). Windows under two scrapes are errors:
    they hold at most one sample.

Why it matters:
    rate() needs at least two samples in the window; with fewer than about four, a missed scrape empties the
    result and graphs get gaps, alerts flap.

Failing example:
    rate(http_requests_total[30s])

Passing example:
    rate(http_requests_total[$__rate_interval])

    In rules, which have no ``$__rate_interval``: ``[1m]`` and longer.
"""

from datetime import timedelta

import promql_parser

from ... import durations
from ..problem import Hit
from ..promql import Call, Matrix, Subquery

NAME = "promql/range-too-short"
SEVERITY = "warning"
ENTRY = "query"

RANGE_FUNCTIONS = ("rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets")


def _panel_min_interval(query) -> timedelta | None:
    raw = query.panel.data.get("interval") if query.panel is not None else None
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return durations.parse(raw.strip().lstrip(">"))
    except ValueError:
        return None


def _show(d: timedelta) -> str:
    return promql_parser.display_duration(d)


def check(query, ctx):
    if query.node is None:
        return
    scrape = ctx.scrape_interval
    minimum = scrape * 4
    for node in query.nodes:
        if not (isinstance(node, Call) and node.func in RANGE_FUNCTIONS and node.args):
            continue
        arg = node.args[0]
        if not isinstance(arg, (Matrix, Subquery)):
            continue
        variable = query.expansion.interval_variable(arg.range)
        if variable == "__interval":
            floor = _panel_min_interval(query)
            if floor is None or floor < minimum:
                yield f"{node.func}(...[$__interval]): $__interval can be shorter than {_show(minimum)} " \
                      "(4 scrape intervals); use [$__rate_interval]"
            continue
        if variable is not None:
            continue
        if arg.range < minimum:
            severity = "error" if arg.range < scrape * 2 else None
            yield Hit(f"{node.func}(...[{_show(arg.range)}]) covers fewer than 4 scrapes of {_show(scrape)}; "
                       f"use at least [{_show(minimum)}]" + (" or [$__rate_interval]" if query.in_dashboard else ""),
                      severity=severity)
