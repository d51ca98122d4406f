"""Home: is the assistant answering?"""

from assistant.settings import HOME, MAX_FAILED_SHARE, MAX_QUEUED

from generator import panels as P

dashboard = P.dashboard(
    uid=HOME,
    title="Assistant / Home",
    description="Calls, failures, latency and queue of the assistant.",
    rows=[
        P.row(
            "Calls",
            P.timeseries("Calls by operation", "Calls per second, by operation.", "reqps",
                         P.target("sum by (operation) (rate(assistant_calls_total[$__rate_interval]))",
                                  "{{operation}}")),
            P.timeseries("Failed share", "Share of failed calls over 5 minutes.", "percentunit",
                         P.target("operation:assistant_calls_failed:ratio_rate5m", "{{operation}}"),
                         steps=P.thresholds((None, P.GREEN), (MAX_FAILED_SHARE, P.RED))),
        ),
        P.row(
            "Latency and queue",
            P.timeseries("P90 duration", "90th percentile of call duration.", "s",
                         P.target("histogram_quantile(0.9, sum by (operation, le) "
                                  "(rate(assistant_call_seconds_bucket[$__rate_interval])))", "{{operation}}")),
            P.stat("Queued calls", "Calls waiting for a worker.", "short", "sum(assistant_queued_calls)",
                   steps=P.thresholds((None, P.GREEN), (MAX_QUEUED, P.RED))),
        ),
    ],
)
