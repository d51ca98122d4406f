"""AIServiceNoData: the scenarios, the same for every naming (they read the scrape's `up`)."""

from generator.rules import RuleTest, fires, pending, series, silent

from ...settings import JOB
from .inputs import A1, A2, up

ALERT = "AIServiceNoData"
CRITICAL = {"severity": "critical"}


def no_data_fires(at):
    return fires(ALERT, at, {"severity": "critical"},
                 summary="The AI service reports no metrics",
                 description=f"No target of job {JOB} has been scraped successfully for 5 minutes: the service is "
                             "down or Prometheus cannot reach it, and every other alert of it is blind.")


def scenarios() -> list[RuleTest]:
    return [
        RuleTest(
            "every target down from 5m; pending for 5m, then firing",
            up(A1, "1x19 0x40"),
            up(A2, "1x19 0x40"),
            silent(ALERT, "4m45s"),
            pending(ALERT, "5m", CRITICAL),
            pending(ALERT, "9m45s", CRITICAL),
            no_data_fires("10m"),
        ),
        RuleTest(
            "one of two targets down stays silent",
            up(A1, "1x40"),
            up(A2, "1x19 0x20"),
            silent(ALERT, "10m"),
        ),
        RuleTest(
            "no target at all (service discovery lost them) fires after 5m",
            series('up{job="prometheus",instance="localhost:9090"}', "1x40"),
            pending(ALERT, "4m45s", CRITICAL),
            no_data_fires("5m"),
        ),
        RuleTest(
            "targets going stale at 5m (removed) fire 5m later",
            up(A1, "1x19 stale"),
            pending(ALERT, "9m45s", CRITICAL),
            no_data_fires("10m"),
        ),
        RuleTest(
            "a scrape gap shorter than 5m stays silent (the last sample still counts)",
            up(A1, "1x19 _x12 1x10"),
            silent(ALERT, "6m"),
            silent(ALERT, "8m"),
        ),
    ]
