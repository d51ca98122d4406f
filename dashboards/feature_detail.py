"""Feature Detail: one feature's requests, latency, errors, tokens, cost and tools."""

from generator import panels as P

from ..settings import ERROR_RATIO, FEATURE_DETAIL, LATENCY_P95_SECONDS
from ._common import TAGS, N, feature_variable, links_from, model_variable, needs

SEL = f'{N.quoted("feature")}="$feature", {N.quoted("model")}=~"$model"'
RATE = "[$__rate_interval]"
MODEL_TIER = ("model", "tier")


def latency(q: float) -> str:
    return f"histogram_quantile({q}, sum by (le) (rate({N.series('duration_bucket', SEL)}{RATE})))"


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
                         P.target(f"sum by ({N.by('outcome')}) (rate({N.series('requests', SEL)}{RATE}))",
                                  N.legend("outcome")),
                         stack=True),
            P.timeseries("Latency percentiles", f"P50, P95 and P99 of request duration; HighLatency fires when "
                         f"P95 stays above {LATENCY_P95_SECONDS}s (dashed line).", "s",
                         P.target(latency(0.5), "P50"), P.target(latency(0.95), "P95"),
                         P.target(latency(0.99), "P99"),
                         steps=P.thresholds((None, P.GREEN), (LATENCY_P95_SECONDS, P.RED))),
            P.timeseries("Errors by type", "Failed requests per second of the feature, by cause.", "reqps",
                         P.target(f"sum by ({N.by('error_type')}) (rate({N.series('errors', SEL)}{RATE}))",
                                  N.legend("error_type")),
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
                         P.target(f"sum by ({N.by('kind')}) ({N.rate('tokens', RATE, SEL)})",
                                  N.legend("kind"))),
            P.timeseries("Tokens per request", "Average input and output tokens of one request.", "short",
                         P.target(f"sum by ({N.by('kind')}) ({N.rate('tokens', RATE, SEL)})"
                                  f" / ignoring ({N.by('kind')}) group_left"
                                  f" sum(rate({N.series('requests', SEL)}{RATE}))", N.legend("kind"))),
            P.timeseries("Cost per hour", "Provider cost of the feature, in dollars per hour at the current rate.",
                         "currencyUSD",
                         P.target(f"sum(rate({N.series('cost', SEL)}{RATE})) * 3600", "cost per hour")),
            P.timeseries("Cost per request", "Average provider cost of one request of the feature.", "currencyUSD",
                         P.target(f"sum(rate({N.series('cost', SEL)}{RATE}))"
                                  f" / sum(rate({N.series('requests', SEL)}{RATE}))", "cost per request")),
        ),
        P.row(
            "Breakdown",
            P.timeseries("Requests by model", "Requests per second of the feature, by model.", "reqps",
                         P.target(f"sum by ({N.by('model')}) (rate({N.series('requests', SEL)}{RATE}))",
                                  N.legend("model")),
                         stack=True, width=8),
            P.timeseries(f"Cost per hour by {N.noun('tier')}", "Dollars per hour spent on the feature, by "
                         f"{N.nouns.get('tier', 'customer plan')}.",
                         "currencyUSD",
                         P.target(f"sum by ({N.by('tier')}) (rate({N.series('cost', SEL)}{RATE})) * 3600",
                                  N.legend("tier")),
                         stack=True, width=8),
            needs("responses", "Truncated answers", lambda: P.timeseries(
                "Truncated answers", "Share of the feature's answers cut at the output-token limit (finish reason "
                "length): they count as successes, but the user got half an answer.", "percentunit",
                P.target(f"sum({N.rate('responses', RATE, SEL, N.truncated)}) / sum({N.rate('responses', RATE, SEL)})",
                         "truncated"), min=0, width=24)),
            P.timeseries("Tool calls by agent", "Tool calls per second by agent and outcome (tool calls carry no "
                         "feature label, so every agent is shown).", "reqps",
                         P.target(f"sum by ({N.by('agent', 'outcome')}) (rate({N.series('tool_calls')}{RATE}))",
                                  N.legend("agent", "outcome")), width=8),
            P.table(f"By model and {N.noun('tier')}", "Requests and cost of the feature over the selected time "
                    f"range, by model and {N.noun('tier')}.", "short",
                    P.target(f"sum by ({N.by(*MODEL_TIER)}) (increase({N.series('requests', SEL)}[$__range]))",
                             "requests"),
                    P.target(f"sum by ({N.by(*MODEL_TIER)}) (increase({N.series('cost', SEL)}[$__range]))", "cost"),
                    sort_by="Value #B"),
        ),
    ],
)
