"""Recording and alerting rules of the AI service, compiled to generated/rules/ai_service.yml.

Each alert's runbook is docs/runbooks/<AlertName>.md; thresholds live in settings.py. The unit tests of
these rules are in scenarios/, one module per alert, assembled by ai_service_tests.py beside this file.
"""

from generator.rules import Alert, Recording, RuleGroup

from ..naming import N
from ..settings import (
    COST,
    COST_SPIKE_FACTOR,
    DEBUG,
    ERROR_RATIO,
    FEATURE_DETAIL,
    FIRST_TOKEN_P95_SECONDS,
    JOB,
    LATENCY_P95_SECONDS,
    MAX_ACTIVE_REQUESTS,
    MIN_HOURLY_COST,
    MIN_REQUEST_RATE,
    OVERVIEW,
)

# AIServiceNoData: scraped, `up` says whether each scrape succeeded; pushed over OTLP nothing is scraped, and the
# receiver's `target_info` (written at every push) is absent once no instance has pushed for 5 minutes.
NO_DATA = (f"No target of job {JOB} has been scraped successfully for 5 minutes: the service is down or Prometheus "
           "cannot reach it, and every other alert of it is blind." if N.reporting == "up" else
           f"No instance of job {JOB} has pushed its metrics for 10 minutes (a push counts for 5, then the alert "
           "waits 5): the service is down or cannot reach Prometheus' OTLP receiver, and every other alert of it "
           "is blind.")

# What dashboards and alerts share: the panel that draws an alert's line reads the same series the alert does.
# The seam (see naming.py): whatever the naming, these records carry the same names and labels, and the
# alerts and the panels that draw an alert's line read only them.
recording = RuleGroup("ai-service-recording", [
    Recording("feature:ai_requests:rate5m", f"""
        sum by (feature) ({N.relabel(f"rate({N.series('requests')}[5m])", "feature")})
    """),
    Recording("feature:ai_request_errors:rate5m", f"""
        sum by (feature) ({N.relabel(f"rate({N.series('requests', N.failed)}[5m])", "feature")})
    """),
    # Features with traffic but no error series yet get 0, not a gap; no traffic at all stays NaN (0/0).
    Recording("feature:ai_request_error_ratio:rate5m", """
        (feature:ai_request_errors:rate5m or feature:ai_requests:rate5m * 0)
        /
        feature:ai_requests:rate5m
    """),
    # Latency buckets without provider, status and instance: a sixth of the series, so that latency panels over a
    # day (Overview, Debug) stay within the dashboards' load budget, and the P95 the alert reads is computed once.
    Recording("feature_model_le:ai_request_duration_seconds_bucket:rate5m", f"""
        sum by (feature, model, le) ({N.relabel(f"rate({N.series('duration_bucket')}[5m])", "feature", "model")})
    """),
    Recording("feature:ai_request_duration_seconds:p95_5m", """
        histogram_quantile(0.95, sum by (feature, le) (feature_model_le:ai_request_duration_seconds_bucket:rate5m))
    """),
    Recording("job:ai_cost_dollars:increase1h", f"""
        sum by (job) (increase({N.series('cost')}[1h]))
    """),
])

# Time to the first token: recorded like the request durations, from the naming's series of every conventions
# release it follows (N.rate reads a service mid-migration once).
FIRST_TOKEN_BUCKETS = "feature_model_le:ai_time_to_first_token_seconds_bucket:rate5m"
FIRST_TOKEN_P95 = "feature:ai_time_to_first_token_seconds:p95_5m"
first_token = [
    Recording(FIRST_TOKEN_BUCKETS, f"""
        sum by (feature, model, le) ({N.relabel(N.rate("first_token_bucket", "[5m]"), "feature", "model")})
    """),
    Recording(FIRST_TOKEN_P95, f"""
        histogram_quantile(0.95, sum by (feature, le) ({FIRST_TOKEN_BUCKETS}))
    """),
]
slow_first_token = Alert(
    "SlowFirstToken",
    f"""
    {FIRST_TOKEN_P95} > {FIRST_TOKEN_P95_SECONDS}
    and on (feature)
    feature:ai_requests:rate5m >= {MIN_REQUEST_RATE}
    """,
    for_="5m",
    severity="warning",
    summary="{{ $labels.feature }}: P95 time to first token is {{ $value | humanizeDuration }}",
    description=(
        "95% of the streamed answers of feature {{ $labels.feature }} started within {{ $value | humanizeDuration }} "
        f"over the last 5 minutes (threshold {FIRST_TOKEN_P95_SECONDS}s): users wait before anything appears, "
        "even where whole requests are not slower. Compare models and providers on the Overview dashboard."
    ),
    dashboard=OVERVIEW,
)
left_out = []  # (what, why): alerts and records the naming has no signal for, said by the build
if N.has("first_token_bucket"):
    recording.rules += first_token
else:
    left_out.append(("SlowFirstToken and its records", N.without.get("first_token_bucket", "no time to first token")))

alerts = RuleGroup("ai-service-alerts", [
    Alert(
        "HighErrorRate",
        f"""
        feature:ai_request_error_ratio:rate5m > {ERROR_RATIO}
        and on (feature)
        feature:ai_requests:rate5m >= {MIN_REQUEST_RATE}
        """,
        for_="2m",
        severity="critical",
        summary="{{ $labels.feature }}: {{ $value | humanizePercentage }} of AI requests fail",
        description=(
            "{{ $value | humanizePercentage }} of the requests of feature {{ $labels.feature }} failed over the "
            f"last 5 minutes (threshold {ERROR_RATIO:.0%}, with at least {MIN_REQUEST_RATE * 300:.0f} requests "
            "in that window). Check errors by type and provider on the Feature Detail dashboard."
        ),
        dashboard=FEATURE_DETAIL,
    ),
    Alert(
        "HighLatency",
        f"""
        feature:ai_request_duration_seconds:p95_5m > {LATENCY_P95_SECONDS}
        and on (feature)
        feature:ai_requests:rate5m >= {MIN_REQUEST_RATE}
        """,
        for_="5m",
        severity="warning",
        summary="{{ $labels.feature }}: P95 latency is {{ $value | humanizeDuration }}",
        description=(
            "95% of the requests of feature {{ $labels.feature }} took up to {{ $value | humanizeDuration }} "
            f"over the last 5 minutes (threshold {LATENCY_P95_SECONDS}s). Compare models and providers: a "
            "provider's rate limits or a slow model usually drive it."
        ),
        dashboard=FEATURE_DETAIL,
    ),
    Alert(
        "CostSpike",
        f"""
        job:ai_cost_dollars:increase1h
          > {COST_SPIKE_FACTOR} * sum by (job) (increase({N.series('cost')}[1h] offset 1d))
        and
        job:ai_cost_dollars:increase1h > {MIN_HOURLY_COST}
        """,
        for_="30m",
        severity="warning",
        summary="LLM cost of the last hour is ${{ $value | printf \"%.2f\" }}, over "
                f"{COST_SPIKE_FACTOR}x the same hour yesterday",
        description=(
            "The AI service spent ${{ $value | printf \"%.2f\" }} in the last hour, more than "
            f"{COST_SPIKE_FACTOR} times the same hour yesterday (and over ${MIN_HOURLY_COST:.2f}). "
            "Find the feature, model and tier that grew on the Cost dashboard."
        ),
        dashboard=COST,
    ),
    Alert(
        "HighActiveRequests",
        f"""
        sum by (job) ({N.active("[5m]", seconds=300)}) > {MAX_ACTIVE_REQUESTS}
        """,
        for_="5m",
        severity="warning",
        summary="{{ $value | humanize }} AI requests in flight",
        description=(
            "{{ $value | humanize }} requests are in flight across every instance of {{ $labels.job }} "
            f"(threshold {MAX_ACTIVE_REQUESTS}): requests pile up faster than providers answer."
        ),
        dashboard=OVERVIEW,
    ),
    Alert(
        "AIServiceNoData",
        f"""
        absent({N.reporting}{{job="{JOB}"}} == 1)
        """,
        for_="5m",
        severity="critical",
        summary="The AI service reports no metrics",
        description=NO_DATA,
        dashboard=DEBUG,
    ),
    Alert(
        "AIComponentDown",
        f"""
        max by (component) (ai_component_up{{job="{JOB}"}}) == 0
        or
        (
          max by (component) (max_over_time(ai_component_up{{job="{JOB}"}}[1h]))
          unless
          max by (component) (ai_component_up{{job="{JOB}"}})
        )
        and on ()
        up{{job="{JOB}"}} == 1
        """,
        for_="2m",
        severity="warning",
        summary="Component {{ $labels.component }} is unhealthy or stopped reporting",
        description=(
            "The AI service reports its dependency {{ $labels.component }} as down, or stopped reporting it "
            "although it did within the last hour while the service itself is still scraped."
        ),
        dashboard=OVERVIEW,
    ),
])

if N.has("first_token_bucket"):
    alerts.rules.insert(2, slow_first_token)

# A naming with no signal for an alert (naming.py says what stands in) does not compile it.
alerts.rules = [a for a in alerts.rules if a.name not in N.alerts_without_signal]
left_out += [(a, N.notes.get(a, "no signal")) for a in N.alerts_without_signal]

groups = [recording, alerts]
