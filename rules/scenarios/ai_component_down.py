"""AIComponentDown: the scenarios, for every naming with component health (naming.py: a naming without it does
not compile the alert, and ai_service_tests.py leaves these out)."""

from generator.rules import RuleTest, fires, pending, silent

from .ai_service_no_data import no_data_fires
from .inputs import A1, A2, component, up

ALERT = "AIComponentDown"
REDIS = {"severity": "warning", "component": "redis"}


def component_fires(at, name: str):
    return fires(ALERT, at, {"severity": "warning", "component": name},
                 summary=f"Component {name} is unhealthy or stopped reporting",
                 description=f"The AI service reports its dependency {name} as down, or stopped reporting it "
                             "although it did within the last hour while the service itself is still scraped.")


def scenarios() -> list[RuleTest]:
    return [
        RuleTest(
            "redis reports unhealthy from 5m; pending for 2m, then firing",
            up(A1, "1x40"),
            component("llm", "1x40"),
            component("redis", "1x19 0x20"),
            silent(ALERT, "4m45s"),
            pending(ALERT, "5m", REDIS),
            pending(ALERT, "6m45s", REDIS),
            component_fires("7m", "redis"),
        ),
        RuleTest(
            "redis stops being reported at 5m while the service is scraped; fires 2m later",
            up(A1, "1x40"),
            component("llm", "1x40"),
            component("redis", "1x19 stale"),
            silent(ALERT, "4m45s"),
            pending(ALERT, "6m45s", REDIS),
            component_fires("7m", "redis"),
        ),
        RuleTest(
            "a component gone for 45m still fires; once gone for more than the 1h window it resolves",
            up(A1, "1x280"),
            component("llm", "1x280"),
            component("redis", "1x19 stale"),
            component_fires("50m", "redis"),
            component_fires("1h4m30s", "redis"),  # at 1h4m45s its last sample is the first instant of the 1h
            silent(ALERT, "1h5m"),  # window, which Prometheus 2 still reads and 3 no longer does
        ),
        RuleTest(
            "the whole service down stays silent (AIServiceNoData fires instead)",
            up(A1, "1x19 0x40"),
            component("llm", "1x19 stale"),
            component("redis", "1x19 stale"),
            silent(ALERT, "7m"),
            silent(ALERT, "10m"),
            no_data_fires("10m"),
        ),
        RuleTest(
            "one of two instances stops reporting redis, the other still does: silent",
            up(A1, "1x40"),
            up(A2, "1x40"),
            component("redis", "1x40", A1),
            component("redis", "1x19 stale", A2),
            silent(ALERT, "10m"),
        ),
        RuleTest(
            "one of two instances reports redis down, the other healthy: the healthiest report wins, silent",
            up(A1, "1x40"),
            up(A2, "1x40"),
            component("redis", "1x40", A1),
            component("redis", "1x19 0x20", A2),
            silent(ALERT, "10m"),
        ),
    ]
