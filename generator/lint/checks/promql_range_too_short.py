"""promql/range-too-short: a range window shorter than four scrape intervals.

What it catches:
    ``rate(x[30s])`` when the catalog's scrape interval is 15s, and in dashboards ``[$__interval]`` under a
    rate-like function when the panel does not set a minimum interval (Grafana's ``$__interval`` shrinks with
    the time range; ``$__rate_interval`` does not go below four scrapes). A window shorter than two scrape
    intervals is an error: it can hold a single sample, and ``[15s]`` of 15s scrapes always holds one on
    Prometheus 3, whose windows are left-open (a sample at the window's start is left out). A subquery's window
    is measured in its steps (``rate(x[1m:1m])`` holds one point; without a step, Prometheus' default evaluation
    interval of 1m): under two is an error.

Why it matters:
    rate() needs at least two samples in the window; with fewer than about four, a missed scrape empties the
    result and graphs get gaps, alerts flap. With one, it returns nothing at all: on Prometheus 2 a window of
    exactly one scrape interval held two samples when an evaluation fell on a scrape, on 3 it never does.

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

RANGE_FUNCTIONS = ("rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "predict_linear")
DEFAULT_SUBQUERY_STEP = timedelta(minutes=1)  # Prometheus' default global evaluation_interval


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
        if isinstance(arg, Subquery):
            step = arg.step or DEFAULT_SUBQUERY_STEP
            default = "" if arg.step else " (the default: the evaluation interval)"
            if arg.range < step * 2:
                yield Hit(f"{node.func}(...[{_show(arg.range)}:{_show(arg.step) if arg.step else ''}]) can hold a "
                          f"single point of its {_show(step)} steps{default} on Prometheus 3, whose windows are "
                          f"left-open, and "
                          f"{node.func}() needs two; use at least [{_show(step * 2)}:{_show(step)}]",
                          severity="error")
            continue
        if arg.range < scrape * 2:
            yield Hit(f"{node.func}(...[{_show(arg.range)}]) can hold a single sample of the {_show(scrape)} "
                      f"scrapes (it spans fewer than 2 scrape intervals; on Prometheus 3, whose windows are left-open, "
                      f"a window of one interval always holds one), and {node.func}() needs two; use at least "
                      f"[{_show(minimum)}]" + (" or [$__rate_interval]" if query.in_dashboard else ""),
                      severity="error")
        elif arg.range < minimum:
            yield f"{node.func}(...[{_show(arg.range)}]) covers fewer than 4 scrapes of {_show(scrape)}; " \
                  f"use at least [{_show(minimum)}]" + (" or [$__rate_interval]" if query.in_dashboard else "")
