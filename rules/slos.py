"""Service level objectives and the spend budget of the AI service, compiled to generated/rules/slos.yml.

Each objective becomes recording rules (error ratio over the workbook's windows, error budget remaining, spend
projection) and four burn-rate alerts (generator.rules.slo_rules); their promtool scenarios are generated in
slos_tests.py beside this file. Alerts of every objective share a runbook: docs/runbooks/SLOBudgetBurn.md and
SpendBudgetBurn.md.
"""

from generator.rules import Availability, Latency, SpendBudget, slo_groups

from ..naming import N
from ..settings import FIRST_TOKEN_P95_SECONDS, JOB, MONTHLY_BUDGET_DOLLARS, SLO

SERVICE = f'job="{JOB}"'
# The series of the metric naming the repository is set to (naming.py): the objectives hold for either.
HISTOGRAM = N.signals["duration_bucket"][0].removesuffix("_bucket")
# The latency threshold must be a bucket bound: 10 s in the custom naming, 10.24 s in the GenAI conventions'
# advised buckets (0.01 ... 81.92, doubling).
THRESHOLD = {"genai-semconv": 10.24, "genai-otlp": 10.24, "genai-otlp-utf8": 10.24}.get(N.name, 10)
# Time to the first token, the first thing a chat user feels: the SlowFirstToken threshold where it is a bucket
# bound (the default naming), the bound just above it elsewhere (2.56 s in the GenAI conventions' buckets). It reads
# the naming's own series (for the GenAI naming, semconv v1.41.0's name; a service on the next release's names
# alone needs its own objective).
FIRST_TOKEN = N.signals["first_token_bucket"][0].removesuffix("_bucket") if N.has("first_token_bucket") else ""
FIRST_TOKEN_THRESHOLD = 2.56 if N.name.startswith("genai-") else FIRST_TOKEN_P95_SECONDS

objectives = [
    Availability(
        "availability",
        total=N.series("requests", SERVICE),
        errors=N.series("requests", SERVICE, N.failed),
        # Normal traffic fails 1% of requests (traffic.yml): 0.8 of this budget.
        target=98.75,
        by=[N.label("feature")],
        summary="98.75% of the requests of each feature succeed over 30 days",
        runbook="SLOBudgetBurn",
    ),
    Latency(
        "latency",
        histogram=HISTOGRAM,
        matchers=SERVICE,
        threshold=THRESHOLD,
        target=95,
        summary=f"95% of requests answer within {THRESHOLD:g} s over 30 days",
        runbook="SLOBudgetBurn",
    ),
    *([Latency(
        "first-token",
        histogram=FIRST_TOKEN,
        matchers=SERVICE,
        threshold=FIRST_TOKEN_THRESHOLD,
        target=99,
        summary=f"99% of streamed answers show their first token within {FIRST_TOKEN_THRESHOLD:g} s over 30 days",
        runbook="SLOBudgetBurn",
    )] if FIRST_TOKEN else []),
    SpendBudget(
        "monthly-spend",
        cost=N.series("cost", SERVICE),
        dollars=MONTHLY_BUDGET_DOLLARS,
        period="month",
        summary="The AI service spends at most $250,000 a calendar month on LLM providers",
        runbook="SpendBudgetBurn",
    ),
]

# The workbook pages and files tickets; here a page is `critical`, a ticket `warning` (as in ai_service.py).
SEVERITIES = {"page": "critical", "ticket": "warning"}

groups = slo_groups(objectives, dashboard=SLO, severities=SEVERITIES)
