"""Feature Detail: one feature's requests, latency, errors, tokens, cost and tools."""

from generator import panels as P
from service.dashboards._common import TAGS, feature_variable, links_from, model_variable
from service.settings import ERROR_RATIO, FEATURE_DETAIL, LATENCY_P95_SECONDS

SEL = 'feature="$feature", model=~"$model"'
RATE = "[$__rate_interval]"


def latency(q: float) -> str:
    return f"histogram_quantile({q}, sum by (le) (rate(ai_request_duration_seconds_bucket{{{SEL}}}{RATE})))"


dashboard = P.dashboard(
    uid=FEATURE_DETAIL,
    title="AI Service / Feature Detail",
    description="Everything about one feature: requests, latency, errors, tokens, cost, models, tiers and tools.",
    tags=TAGS,
    links=links_from(FEATURE_DETAIL),
    variables=[feature_variable(multi=False), model_variable()],
    rows=[
        P.row(
            "Requests and latency",
            P.timeseries("Requests by status", "Requests per second of the feature, success and error.", "reqps",
                         P.target(f"sum by (status) (rate(ai_requests_total{{{SEL}}}{RATE}))", "{{status}}"),
                         stack=True),
            P.timeseries("Latency percentiles", f"P50, P95 and P99 of request duration; HighLatency fires when "
                         f"P95 stays above {LATENCY_P95_SECONDS}s (dashed line).", "s",
                         P.target(latency(0.5), "P50"), P.target(latency(0.95), "P95"),
                         P.target(latency(0.99), "P99"),
                         steps=P.thresholds((None, P.GREEN), (LATENCY_P95_SECONDS, P.RED))),
            P.timeseries("Errors by type", "Failed requests per second of the feature, by cause.", "reqps",
                         P.target(f"sum by (error_type) (rate(ai_errors_total{{{SEL}}}{RATE}))", "{{error_type}}"),
                         stack=True),
            P.timeseries("Error ratio (as HighErrorRate sees it)", "Failed share of the feature's requests over "
                         f"5 minutes, every model; the alert pages above {ERROR_RATIO:.0%} (dashed line).",
                         "percentunit",
                         P.target('feature:ai_request_error_ratio:rate5m{feature="$feature"}', "{{feature}}"),
                         steps=P.thresholds((None, P.GREEN), (ERROR_RATIO, P.RED))),
        ),
        P.row(
            "Tokens and cost",
            P.timeseries("Tokens in / out", "Tokens per second sent to (input) and received from (output) models.",
                         "short",
                         P.target(f"sum by (direction) (rate(ai_tokens_total{{{SEL}}}{RATE}))", "{{direction}}")),
            P.timeseries("Tokens per request", "Average input and output tokens of one request.", "short",
                         P.target(f"sum by (direction) (rate(ai_tokens_total{{{SEL}}}{RATE}))"
                                  f" / ignoring (direction) group_left"
                                  f" sum(rate(ai_requests_total{{{SEL}}}{RATE}))", "{{direction}}")),
            P.timeseries("Cost per hour", "Provider cost of the feature, in dollars per hour at the current rate.",
                         "currencyUSD",
                         P.target(f"sum(rate(ai_cost_dollars_total{{{SEL}}}{RATE})) * 3600", "cost per hour")),
            P.timeseries("Cost per request", "Average provider cost of one request of the feature.", "currencyUSD",
                         P.target(f"sum(rate(ai_cost_dollars_total{{{SEL}}}{RATE}))"
                                  f" / sum(rate(ai_requests_total{{{SEL}}}{RATE}))", "cost per request")),
        ),
        P.row(
            "Breakdown",
            P.timeseries("Requests by model", "Requests per second of the feature, by model.", "reqps",
                         P.target(f"sum by (model) (rate(ai_requests_total{{{SEL}}}{RATE}))", "{{model}}"),
                         stack=True, width=8),
            P.timeseries("Cost per hour by tier", "Dollars per hour spent on the feature, by customer plan.",
                         "currencyUSD",
                         P.target(f"sum by (tier) (rate(ai_cost_dollars_total{{{SEL}}}{RATE})) * 3600", "{{tier}}"),
                         stack=True, width=8),
            P.timeseries("Tool calls by agent", "Tool calls per second by agent and outcome (tool calls carry no "
                         "feature label, so every agent is shown).", "reqps",
                         P.target(f"sum by (agent, status) (rate(ai_tool_calls_total{RATE}))",
                                  "{{agent}} {{status}}"), width=8),
            P.table("By model and tier", "Requests and cost of the feature over the selected time range, by model "
                    "and tier.", "short",
                    P.target(f"sum by (model, tier) (increase(ai_requests_total{{{SEL}}}[$__range]))", "requests"),
                    P.target(f"sum by (model, tier) (increase(ai_cost_dollars_total{{{SEL}}}[$__range]))", "cost"),
                    sort_by="Value #B"),
        ),
    ],
)
