"""CostSpike, and the cost record it reads: the scenarios, written once for every naming. A day of history:
one-minute inputs and evaluations (compiled to ai_service.every-1m.test.yml).

This hour's spend is on a second series (instance A2), 0 at the start of the hour: Prometheus 3's window is
left-open, and increase() over an hour whose first sample is not 0 extrapolates to its start (a step of $2.10
reads $2.14); from 0 neither 2 nor 3 extrapolates, and both read the step exactly."""

from generator.rules import RuleTest, fires, pending, samples, silent

from ...settings import JOB
from .inputs import A2, COST_YESTERDAY, cost

ALERT = "CostSpike"
COST_1H = "job:ai_cost_dollars:increase1h"
WARNING = {"severity": "warning", "job": JOB}
DAY = 1440  # input steps of one minute in a day
EVERY_MINUTE = {"interval": "1m", "evaluation_interval": "1m"}


def cost_fires(at, dollars: str, job: str = JOB):
    return fires(ALERT, at, {"severity": "warning", "job": job},
                 summary=f"LLM cost of the last hour is ${dollars}, over 2x the same hour yesterday",
                 description=f"The AI service spent ${dollars} in the last hour, more than 2 times the same hour "
                             "yesterday (and over $1.00). Find the feature, model and tier that grew on the Cost "
                             "dashboard.")


def scenarios() -> list[RuleTest]:
    return [
        RuleTest(
            "$2.10 this hour against $1.00 the same hour yesterday; pending for 30m, firing, resolved",
            cost(f"0x59 1x{DAY + 60}"),  # $1 at 1h00 yesterday
            cost(f"0x{DAY + 59} 2.1x60", A2),  # $2.10 at 1h00 today
            silent(ALERT, "1d59m"),
            pending(ALERT, "1d1h", WARNING),
            pending(ALERT, "1d1h29m", WARNING),
            cost_fires("1d1h30m", "2.10"),
            silent(ALERT, "1d2h"),
            samples(COST_1H, "1d1h30m", {f'{COST_1H}{{job="{JOB}"}}': 2.1}),
            samples(COST_1H, "1d2h", {f'{COST_1H}{{job="{JOB}"}}': 0}),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "exactly twice the same hour yesterday stays silent",
            cost(f"0x59 1x{DAY + 45}"),
            cost(f"0x{DAY + 59} 2x45", A2),
            silent(ALERT, "1d1h"),
            silent(ALERT, "1d1h30m"),
            silent(ALERT, "1d1h45m"),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "1.9 times the same hour yesterday stays silent",
            cost(f"0x59 1x{DAY + 30}"),
            cost(f"0x{DAY + 59} 1.9x30", A2),
            silent(ALERT, "1d1h30m"),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "nothing in the same hour yesterday (only earlier that day) and $1.05 this hour (just over the $1 floor) "
            "fires",
            cost(f"0x29 1x{DAY + 120}"),  # $1 spent yesterday at 0h30, outside the hour compared with
            cost(f"0x{DAY + 119} 1.05x30", A2),
            pending(ALERT, "1d2h29m", WARNING),
            cost_fires("1d2h30m", "1.05"),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "zero cost yesterday and exactly $1.00 this hour (the floor) stays silent",
            cost(f"0x{DAY + 59} 1x60"),
            silent(ALERT, "1d1h30m"),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "zero cost yesterday and $0.95 this hour (under the floor) stays silent",
            cost(f"0x{DAY + 59} 0.95x60"),
            silent(ALERT, "1d1h30m"),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "no data on the same hour yesterday (new deployment) stays silent, even at $50",
            cost(f"_x{DAY} 0x59 50x60"),
            silent(ALERT, "1d1h30m"),
            samples(COST_YESTERDAY, "1d1h30m"),
            **EVERY_MINUTE,
        ),
        RuleTest(
            "a restart (counter reset) before the spike; increase() counts across it and it fires",
            cost(f"0x59 1x{DAY + 30}"),
            cost(f"0x{DAY + 39} 0.6x9 0x9 1.5x30", A2),  # $0.60 at 0h40, a restart at 0h50, $1.50 at 1h00
            cost_fires("1d1h30m", "2.10"),
            samples(COST_1H, "1d1h30m", {f'{COST_1H}{{job="{JOB}"}}': 2.1}),
            **EVERY_MINUTE,
        ),
    ]
