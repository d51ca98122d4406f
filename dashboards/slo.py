"""SLOs: every objective's error budget and how fast it burns, and the spend budget against its projection.

The series are the recording rules generated from rules/slos.py (generator.rules.slo_rules): the burn rate
of a window is its error ratio over the objective's error budget (1x spends the budget in exactly 30 days), the
same series the burn-rate alerts compare with 14.4, 6, 3 and 1.
"""

from generator import panels as P

from ..settings import MONTHLY_BUDGET_DOLLARS, SLO
from ._common import TAGS, N, links_from

SEL = 'slo=~"$slo"'
BUDGETS = {"monthly-spend": MONTHLY_BUDGET_DOLLARS}  # the spend budgets of rules/slos.py
BURN = P.thresholds((None, "green"), (1, "yellow"), (6, "orange"), (14.4, "red"))


def burn(window: str) -> P.Target:
    return P.target(f"slo:error_budget:burn_rate{window}{{{SEL}}}", f"{{{{slo}}}} {N.legend('feature')} {window}")


def spend_burn(window: str) -> P.Target:
    return P.target(f"slo:spend_dollars:rate{window}\n/\nslo:spend_allowed_dollars:rate",
                    f"{{{{slo}}}} {window}")


dashboard = P.dashboard(
    uid=SLO,
    title="AI Service / SLOs",
    description="Objectives with their error budget remaining, burn rates over the alert windows, and spend "
                "against budget with its projection.",
    tags=TAGS,
    links=links_from(SLO),
    # The objectives; spend budgets are always all shown.
    variables=[P.query_variable("slo", "Objective", "label_values(slo:error_budget:burn_rate5m, slo)")],
    time_from="now-24h",
    rows=[
        P.row(
            "Objectives",
            P.bar_gauge("Error budget remaining", "Share of the 30-day error budget not yet spent, per objective "
                        "(and feature); below 0 the objective is missed.", "percentunit",
                        P.target(f"slo:error_budget:remaining{{{SEL}}}", f"{{{{slo}}}} {N.legend('feature')}"),
                        steps=P.thresholds((None, "red"), (0.25, "orange"), (0.5, "green"))),
            P.timeseries("Error ratio", "Failed events over all events over 5 minutes, per objective (and "
                         "feature).", "percentunit",
                         P.target(f"slo:sli_error:ratio_rate5m{{{SEL}}}", f"{{{{slo}}}} {N.legend('feature')}")),
        ),
        P.row(
            "Burn rate",
            P.timeseries("Fast burn (page)", "Burn rate over 1h and 5m (page above 14.4x both) and over 6h and 30m "
                         "(page above 6x both).", "x", *[burn(w) for w in ("1h", "5m", "6h", "30m")], steps=BURN),
            P.timeseries("Slow burn (ticket)", "Burn rate over 1d and 2h (ticket above 3x both) and over 3d and 6h "
                         "(ticket above 1x both).", "x", *[burn(w) for w in ("1d", "2h", "3d", "6h")], steps=BURN),
        ),
        P.row(
            "Spend",
            P.timeseries("Spend against budget", "Spent this period, the projection at the last day's rate, and "
                         "the budget.", "currencyUSD",
                         P.target("slo:spend_dollars:period_to_date", "{{slo}} spent"),
                         P.target("slo:spend_dollars:projected", "{{slo}} projected"),
                         *[P.target(f'vector({dollars}) and on () slo:spend_allowed_dollars:rate{{slo="{name}"}}',
                                    f"{name} budget") for name, dollars in BUDGETS.items()]),
            P.timeseries("Spend burn rate", "Spend rate over the alert windows against the rate the budget still "
                         "allows (1x: the budget lasts exactly until the period ends).", "x",
                         *[spend_burn(w) for w in ("1h", "6h", "1d", "3d")], steps=BURN),
        ),
    ],
)
