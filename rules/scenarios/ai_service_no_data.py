"""AIServiceNoData: the scenarios, for every naming. A scraped naming's read the scrape's `up` (0 when a scrape
fails); a naming pushed over OTLP has no scrape, and its `target_info` (N.reporting) stops when pushes stop: those
read the gap, which counts as data for Prometheus' 5-minute lookback."""

from generator.rules import RuleTest, fires, pending, series, silent

from ...naming import N
from ..ai_service import NO_DATA
from .inputs import A1, A2, up

SCRAPED = N.reporting == "up"

ALERT = "AIServiceNoData"
CRITICAL = {"severity": "critical"}


def no_data_fires(at):
    return fires(ALERT, at, {"severity": "critical"},
                 summary="The AI service reports no metrics",
                 description=NO_DATA)


def scenarios() -> list[RuleTest]:
    return _scraped() if SCRAPED else _pushed()


NONE_AT_ALL = RuleTest(
    "no target at all (service discovery lost them) fires after 5m",
    series('up{job="prometheus",instance="localhost:9090"}', "1x40"),
    pending(ALERT, "4m45s", CRITICAL),
    no_data_fires("5m"),
)


def _pushed() -> list[RuleTest]:
    return [
        RuleTest(
            "every instance stops pushing after 4m45s: its last push counts for 5m, pending for 5m, then firing",
            up(A1, "1x19"),
            up(A2, "1x19"),
            silent(ALERT, "9m30s"),
            pending(ALERT, "10m", CRITICAL),  # from 9m45s on Prometheus 3 (left-open lookback), 10m on 2
            pending(ALERT, "14m30s", CRITICAL),
            no_data_fires("15m"),
        ),
        NONE_AT_ALL,
        RuleTest(
            "one of two instances stops pushing stays silent",
            up(A1, "1x80"),
            up(A2, "1x19"),
            silent(ALERT, "20m"),
        ),
        RuleTest(
            "a push gap shorter than 5m stays silent (the last push still counts)",
            up(A1, "1x19 _x18 1x10"),
            silent(ALERT, "9m"),
            silent(ALERT, "11m"),
        ),
    ]


def _scraped() -> list[RuleTest]:
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
        NONE_AT_ALL,
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
