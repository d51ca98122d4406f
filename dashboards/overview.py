"""Overview: is the AI service healthy right now, and where should I look next?"""

from generator import panels as P

from ..settings import ERROR_RATIO, FIRST_TOKEN_P95_SECONDS, LATENCY_P95_SECONDS, MAX_ACTIVE_REQUESTS, OVERVIEW, SLO
from ._common import JOB, TAGS, TO_FEATURE_DETAIL, TO_FEATURE_DETAIL_RAW, N, links_from, needs, quantile_by

UP_DOWN = [{"type": "value", "options": {"0": {"text": "DOWN", "color": "red", "index": 1},
                                         "1": {"text": "UP", "color": "green", "index": 0}}}]
RATE = "[$__rate_interval]"
JOB_IS = f'job="{JOB}"'


def first_token(q: float) -> str:
    """A percentile of the time to the first token over every feature, from the recorded buckets."""
    return f"histogram_quantile({q}, sum by (le) (feature_model_le:ai_time_to_first_token_seconds_bucket:rate5m))"


def latency(q: float, by: str = "") -> str:
    """A percentile over 5-minute windows, from the recorded buckets (a sixth of the raw series: a day loads fast)."""
    group = f"{by}, le" if by else "le"
    return f"histogram_quantile({q}, sum by ({group}) (feature_model_le:ai_request_duration_seconds_bucket:rate5m))"


dashboard = P.dashboard(
    uid=OVERVIEW,
    title="AI Service / Overview",
    description="Health, traffic, errors, latency and spend of the AI service at a glance.",
    tags=TAGS,
    links=links_from(OVERVIEW) + [P.link("SLOs", SLO)],
    rows=[
        P.row(
            "Health",
            P.stat("Components", f"Health each dependency reports ({N.signals['health'][0]}): UP or DOWN.", "none",
                   P.target(f'max by ({N.by("component")}) ({N.series("health", JOB_IS)})',
                            N.legend("component")),
                   width=8, graph=False, mappings=UP_DOWN,
                   steps=P.thresholds((None, P.RED), (1, P.GREEN))),
            P.stat("Request rate", "Requests per second, every feature and model.", "reqps",
                   f"sum(rate({N.series('requests')}{RATE}))", width=4),
            P.stat("Error ratio", f"Share of failed requests. HighErrorRate pages above {ERROR_RATIO:.0%}.",
                   "percentunit",
                   f"sum(rate({N.series('requests', N.failed)}{RATE})) / sum(rate({N.series('requests')}{RATE}))",
                   width=4, decimals=2, steps=P.thresholds((None, P.GREEN), (ERROR_RATIO, P.RED))),
            P.stat("Active requests", f"Requests in flight. HighActiveRequests fires above {MAX_ACTIVE_REQUESTS}.",
                   "short", f"sum({N.active(RATE)})", width=4,
                   steps=P.thresholds((None, P.GREEN), (MAX_ACTIVE_REQUESTS, P.RED))),
            P.stat("Cost today", "Provider cost since midnight (browser time), all features.", "currencyUSD",
                   P.target(f"sum(increase({N.series('cost')}[$__range]))", instant=True),
                   width=4, graph=False, decimals=2, time_from="now/d"),
        ),
        P.row(
            "Traffic",
            P.timeseries("Request rate by feature", "Requests per second by feature. Click a series for its "
                         "Feature Detail.", "reqps",
                         P.target(f"sum by ({N.by('feature')}) (rate({N.series('requests')}{RATE}))",
                                  N.legend("feature")),
                         links=[TO_FEATURE_DETAIL_RAW]),
            P.timeseries("Error ratio by feature", "Failed share of requests over 5 minutes, the series "
                         f"HighErrorRate evaluates; the dashed line is its {ERROR_RATIO:.0%} threshold.",
                         "percentunit",
                         P.target("feature:ai_request_error_ratio:rate5m", "{{feature}}"),
                         steps=P.thresholds((None, P.GREEN), (ERROR_RATIO, P.RED)), links=[TO_FEATURE_DETAIL]),
            P.timeseries("Token rate", "Tokens per second sent to models (input) and received (output).",
                         "short",
                         P.target(f"sum by ({N.by('kind')}) ({N.rate('tokens', RATE)})", N.legend("kind"))),
            P.timeseries("Active requests by feature", "Requests in flight, by feature.", "short",
                         P.target(f"sum by ({N.by('feature')}) ({N.active(RATE)})", N.legend("feature")),
                         stack=True),
        ),
        P.row(
            "Latency",
            P.timeseries("Latency P50 / P95 / P99", "Request duration percentiles over every feature, in 5-minute "
                         f"windows; the dashed line is HighLatency's {LATENCY_P95_SECONDS}s threshold on P95.", "s",
                         P.target(latency(0.5), "P50"), P.target(latency(0.95), "P95"),
                         P.target(latency(0.99), "P99"),
                         steps=P.thresholds((None, P.GREEN), (LATENCY_P95_SECONDS, P.RED))),
            P.timeseries("P95 latency by model",
                         "95th percentile of request duration by model, in 5-minute windows.", "s",
                         P.target(latency(0.95, "model"), "{{model}}")),
        ),
        P.row(
            "Streaming",
            needs("first_token_bucket", "Time to first token P50 / P95", lambda: P.timeseries(
                "Time to first token P50 / P95", "How long streamed answers take to show their first token, every "
                f"feature, in 5-minute windows; SlowFirstToken pages when P95 stays above {FIRST_TOKEN_P95_SECONDS}s "
                "(dashed line).", "s",
                P.target(first_token(0.5), "P50"), P.target(first_token(0.95), "P95"),
                steps=P.thresholds((None, P.GREEN), (FIRST_TOKEN_P95_SECONDS, P.RED)), width=8)),
            needs("first_token_bucket", "Time to first token P95 by model and provider", lambda: P.timeseries(
                "Time to first token P95 by model and provider", "95th percentile of the time to the first token, "
                "by model and provider.", "s",
                P.target(quantile_by(0.95, "first_token_bucket", RATE, "model", "provider"),
                         N.legend("model", "provider", sep=" / ")), width=8)),
            needs("output_token_bucket", "Time per output token P50 / P95 by model and provider", lambda: P.timeseries(
                "Time per output token P50 / P95 by model and provider", "How fast answers stream after their "
                "first token: time per output token (per chunk in the GenAI conventions), by model and provider.",
                "s",
                P.target(quantile_by(0.5, "output_token_bucket", RATE, "model", "provider"),
                         "P50 " + N.legend("model", "provider", sep=" / ")),
                P.target(quantile_by(0.95, "output_token_bucket", RATE, "model", "provider"),
                         "P95 " + N.legend("model", "provider", sep=" / ")), width=8)),
        ),
        P.row(
            "Errors",
            P.timeseries("Errors by type", "Failed requests per second by cause (timeouts, rate limits, guards…).",
                         "reqps",
                         P.target(f"sum by ({N.by('error_type')}) (rate({N.series('errors')}{RATE}))",
                                  N.legend("error_type")),
                         stack=True, width=24),
        ),
    ],
)
