"""Service level objectives and the spend budget of the AI service, compiled to generated/rules/slos.yml.

Each objective becomes recording rules (error ratio over the workbook's windows, error budget remaining, spend
projection) and four burn-rate alerts (generator.rules.slo_rules); their promtool scenarios are generated in
slos_tests.py beside this file. Alerts of every objective share a runbook: service/runbooks/SLOBudgetBurn.md and
SpendBudgetBurn.md.
"""

from generator.rules import Availability, Latency, SpendBudget, slo_groups
from service.settings import JOB, MONTHLY_BUDGET_DOLLARS, SLO

SERVICE = f'job="{JOB}"'

objectives = [
    Availability(
        "availability",
        total=f"ai_requests_total{{{SERVICE}}}",
        errors=f'ai_requests_total{{{SERVICE},status="error"}}',
        # Normal traffic fails 1% of requests (service/traffic.yml): 0.8 of this budget.
        target=98.75,
        by=["feature"],
        summary="98.75% of the requests of each feature succeed over 30 days",
        runbook="SLOBudgetBurn",
    ),
    Latency(
        "latency",
        histogram="ai_request_duration_seconds",
        matchers=SERVICE,
        threshold=10,
        target=95,
        summary="95% of requests answer within 10 s over 30 days",
        runbook="SLOBudgetBurn",
    ),
    SpendBudget(
        "monthly-spend",
        cost=f"ai_cost_dollars_total{{{SERVICE}}}",
        dollars=MONTHLY_BUDGET_DOLLARS,
        period="month",
        summary="The AI service spends at most $250,000 a calendar month on LLM providers",
        runbook="SpendBudgetBurn",
    ),
]

# The workbook pages and files tickets; here a page is `critical`, a ticket `warning` (as in ai_service.py).
SEVERITIES = {"page": "critical", "ticket": "warning"}

groups = slo_groups(objectives, dashboard=SLO, severities=SEVERITIES)
