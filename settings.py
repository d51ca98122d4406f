"""Thresholds and selectors shared by this service's rules and dashboards (kept apart from both, as in
kubernetes-mixin). Change a number here and `make dashboards` updates the alerts, their tests and the panels
that draw the same line."""

JOB = "ai-service"

# HighErrorRate: share of failed requests over 5 minutes, ignored below MIN_REQUEST_RATE requests per second
# (0.05/s = 15 requests in 5 minutes) so that 1 failure in 2 requests does not page anyone.
ERROR_RATIO = 0.05
MIN_REQUEST_RATE = 0.05

# HighLatency: P95 of request duration over 5 minutes, in seconds. Must not exceed the largest finite bucket of
# ai_request_duration_seconds in the catalog, or histogram_quantile can never report more than it.
LATENCY_P95_SECONDS = 5

# SlowFirstToken: P95 of the time to the first token (streaming) over 5 minutes, in seconds; what a chat user
# feels first. A bound of the default naming's buckets (the conventions' advice for gen_ai.server.time_to_first_token);
# under the GenAI naming's client buckets it falls in (1.28, 2.56]. Also the TTFT objective's threshold (rules/slos.py).
FIRST_TOKEN_P95_SECONDS = 2.5

# CostSpike: this hour's cost against the same hour yesterday; below MIN_HOURLY_COST dollars it never pages
# (a quiet hour yesterday makes any spend look like a spike).
COST_SPIKE_FACTOR = 2
MIN_HOURLY_COST = 1.0

# HighActiveRequests: requests in flight across every instance.
MAX_ACTIVE_REQUESTS = 100

# Dashboards where each alert's investigation starts.
OVERVIEW = "ai-overview"
FEATURE_DETAIL = "ai-feature-detail"
COST = "ai-cost"
DEBUG = "ai-debug"
SLO = "ai-slo"

# The monthly spend budget (rules/slos.py) and the SLO dashboard's budget line. Normal traffic
# (traffic.yml) spends about $165,000 a month, 0.86 of it at the daily peak.
MONTHLY_BUDGET_DOLLARS = 250_000
