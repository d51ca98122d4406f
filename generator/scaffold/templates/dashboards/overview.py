"""@TITLE@ / Overview: is @SERVICE@ answering, how fast, and how often does it fail?

A dashboard module assigns `dashboard`: rows of panels, each a call to a helper of `generator.panels` (title,
description and unit first; the layout is computed). Queries use `$__rate_interval` for their windows.
"""

from generator import panels as P

from ..settings import JOB, MAX_ERROR_RATIO, OVERVIEW

REQUESTS = f'@PREFIX@_requests_total{{job="{JOB}"}}'
DURATION = f'@PREFIX@_request_duration_seconds_bucket{{job="{JOB}"}}'

dashboard = P.dashboard(
    uid=OVERVIEW,
    title="@TITLE@ / Overview",
    description="Requests, errors, latency and load of @SERVICE@.",
    rows=[
        P.row(
            "Traffic",
            P.timeseries("Requests by operation", "Requests per second, by operation.", "reqps",
                         P.target(f"sum by (operation) (rate({REQUESTS}[$__rate_interval]))", "{{operation}}")),
            P.timeseries("Error ratio", "Share of requests that failed, over 5 minutes, by operation.",
                         "percentunit",
                         P.target("operation:@PREFIX@_requests_failed:ratio_rate5m", "{{operation}}"),
                         steps=P.thresholds((None, P.GREEN), (MAX_ERROR_RATIO, P.RED))),
        ),
        P.row(
            "Latency and load",
            P.timeseries("Latency P50 / P95 / P99", "Request duration quantiles over all operations.", "s",
                         *(P.target(f"histogram_quantile({q}, sum by (le) (rate({DURATION}[$__rate_interval])))",
                                    f"P{round(q * 100)}")
                           for q in (0.5, 0.95, 0.99))),
            P.stat("In flight", "Requests being handled now.", "short",
                   f'sum(@PREFIX@_requests_in_flight{{job="{JOB}"}})'),
            P.stat("Targets up", "Scraped targets of the job that answered their last scrape.", "short",
                   f'sum(up{{job="{JOB}"}})'),
        ),
    ],
)
