"""Debug: where requests fail or slow down, and whether the monitoring itself works."""

from generator import panels as P

from ..settings import DEBUG
from ._common import FEATURE_IS, JOB, TAGS, N, feature_variable, links_from, model_variable, needs, quantile_by

SEL = 'feature=~"$feature", model=~"$model"'  # on the seam's records
RATE_LIMITED = f'{N.quoted("error_type")}="rate_limit"'
RAW = f'{FEATURE_IS}, {N.quoted("model")}=~"$model"'  # on the naming's raw series
RATE = "[$__rate_interval]"


BUCKETS = "feature_model_le:ai_request_duration_seconds_bucket:rate5m"  # recorded: a sixth of the raw series


# How the service's series arrive: scraped (`up`, the scrape's duration) or pushed over OTLP (nothing is scraped:
# `target_info`, written at every push, and how long ago the last push was).
JOB_IS = f'job="{JOB}"'
if N.ingestion == "otlp":
    ARRIVAL = [
        P.timeseries("Pushing instances", "1 while an instance pushes its metrics over OTLP (`target_info`, "
                     "written from the resource at every push); a line that ends is an instance that stopped.",
                     "none", P.target(N.series("health", JOB_IS), "{{instance}}"), min=0, max=1, width=8),
        P.timeseries("Since the last push", "Seconds since each instance last pushed (its export interval; "
                     "past 5 minutes its series go stale).", "s",
                     P.target(f"time() - timestamp({N.series('health', JOB_IS)})", "{{instance}}"), width=8),
    ]
else:
    ARRIVAL = [
        P.timeseries("Scrape health", "1 when Prometheus' last scrape of a target succeeded.", "none",
                     P.target(f'up{{job="{JOB}"}}', "{{instance}}"), min=0, max=1, width=8),
        P.timeseries("Scrape duration", "How long each scrape of the service takes.", "s",
                     P.target(f'scrape_duration_seconds{{job="{JOB}"}}', "{{instance}}"), width=8),
    ]


def p99_by(label: str) -> str:
    return f"topk(5, histogram_quantile(0.99, sum by ({label}, le) ({BUCKETS}{{{SEL}}})))"


dashboard = P.dashboard(
    uid=DEBUG,
    title="AI Service / Debug",
    description="Errors by feature, model and type; latency distribution; provider limits, guards, tools, "
                "scrapes and firing alerts.",
    tags=TAGS,
    links=links_from(DEBUG),
    variables=[feature_variable(), model_variable()],
    time_from="now-3h",
    rows=[
        P.row(
            "Errors",
            P.table("Errors by feature, model and type", "Failed requests over the selected time range.", "short",
                    P.target(f"sum by ({N.by('feature', 'model', 'error_type')}) "
                             f"(increase({N.series('errors', RAW)}[$__range]))"),
                    sort_by="Value"),
            P.timeseries("Rate-limit errors by provider", "Requests refused by a provider's rate limit, per "
                         "second.", "reqps",
                         P.target(f"sum by ({N.by('provider')}) "
                                  f"(rate({N.series('errors', RATE_LIMITED, RAW)}{RATE}))",
                                  N.legend("provider"))),
            P.timeseries("Guard rejections", "Inputs or outputs rejected by a safety guard, per second.", "reqps",
                         P.target(f"sum by ({N.by('guard', 'feature')}) "
                                  f"(rate({N.series('guards', FEATURE_IS)}{RATE}))",
                                  N.legend("guard", "feature", sep=" / "))),
        ),
        P.row(
            "Latency",
            P.heatmap("Latency distribution", "Requests per second in each duration bucket.", "s",
                      P.target(f"sum by (le) (rate({N.series('duration_bucket', RAW)}{RATE}))", "{{le}}",
                               heatmap=True)),
            P.bar_gauge("Slowest models (P99)",
                        "The five models with the highest 99th percentile duration (5-minute windows).", "s",
                        P.target(p99_by("model"), "{{model}}")),
            P.bar_gauge("Slowest features (P99)",
                        "The five features with the highest 99th percentile duration (5-minute windows).", "s",
                        P.target(p99_by("feature"), "{{feature}}")),
        ),
        P.row(
            "Streaming",
            needs("first_token_bucket", "Slowest first tokens by model and provider (P95)", lambda: P.bar_gauge(
                "Slowest first tokens by model and provider (P95)", "The five model and provider pairs with the "
                "highest 95th percentile time to the first token.", "s",
                P.target("topk(5, " + quantile_by(0.95, "first_token_bucket", RATE, "model", "provider",
                                                  matchers=(RAW,)) + ")",
                         N.legend("model", "provider", sep=" / ")), width=8)),
            needs("output_token_bucket", "Time per output token by model and provider (P95)", lambda: P.timeseries(
                "Time per output token by model and provider (P95)", "95th percentile time per output token (per "
                "chunk in the GenAI conventions) after the first, by model and provider.", "s",
                P.target(quantile_by(0.95, "output_token_bucket", RATE, "model", "provider", matchers=(RAW,)),
                         N.legend("model", "provider", sep=" / ")), width=8)),
            needs("queue_bucket", "Queue time P95 by model", lambda: P.timeseries(
                "Queue time P95 by model", "95th percentile of the time requests waited in the model server's "
                "queue before they were scheduled, by model.", "s",
                P.target(quantile_by(0.95, "queue_bucket", RATE, "model", matchers=(RAW,)), N.legend("model")),
                width=8)),
        ),
        P.row(
            "Tools and monitoring",
            P.timeseries("Tool-call failures", "Failed tool calls per second, by agent and tool.", "reqps",
                         P.target(f"sum by ({N.by('agent', 'tool')}) "
                                  f"(rate({N.series('tool_calls', N.failed)}{RATE}))",
                                  N.legend("agent", "tool", sep=" / ")), width=8),
            *ARRIVAL,
            # `or on () vector(0)`: with nothing firing the panel shows 0 rather than "No data", which reads
            # the same as a broken Prometheus data source.
            P.table("Firing alerts", "Alerts Prometheus currently fires, with their severity; a single 0 when "
                    "none fires.", "short",
                    P.target('sum by (alertname, severity) (ALERTS{alertstate="firing"}) or on () vector(0)'),
                    sort_by="alertname"),
        ),
    ],
)
