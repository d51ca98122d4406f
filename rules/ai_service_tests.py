"""Unit tests of the rules in ai_service.py, run by promtool (`make test-rules`).

Each RuleTest is a scenario (generator.rules.scenarios): input series and what must hold. Every alert needs one
where it fires and one where it stays silent, every recording rule one that checks its value (`make test-rules`
fails otherwise), and every threshold, `for`, comparison and window must be pinned tightly enough that changing it
fails a scenario (tests/test_rule_mutants.py).

Compiled to generated/rules/ai_service.test.yml (every 15 s, the scrape interval) and, for the cost scenarios
that need a day of history, ai_service.every-1m.test.yml. Expected values and annotations are written out in
full; the inputs are chosen so that the boundary cases hit thresholds exactly (5%, 5 s, 100, 2x, $1).
"""

import sys

from generator.rules import RuleTest, fires, histogram, pending, samples, series, silent

from ..naming import GENAI_SEMCONV, N
from ..settings import JOB
from . import _genai_semconv_tests

SERVICE = f'job="{JOB}"'
A1, A2 = 'instance="ai-1:8000"', 'instance="ai-2:8000"'
CALL = 'model="gpt-4o",provider="openai"'


def requests(feature: str, status: str, values: str):
    return series(f'ai_requests_total{{{SERVICE},{A1},feature="{feature}",{CALL},status="{status}",tier="pro"}}',
                  values)


def durations(feature: str, *phases):
    labels = {"job": JOB, "instance": "ai-1:8000", "feature": feature, "model": "gpt-4o", "provider": "openai",
              "status": "success"}
    return histogram("ai_request_duration_seconds", labels, *phases)


def error_rate_fires(at, feature: str, percent: str):
    return fires("HighErrorRate", at, {"severity": "critical", "feature": feature},
                 summary=f"{feature}: {percent} of AI requests fail",
                 description=f"{percent} of the requests of feature {feature} failed over the last 5 minutes "
                             "(threshold 5%, with at least 15 requests in that window). Check errors by type and "
                             "provider on the Feature Detail dashboard.")


def latency_fires(at, feature: str, p95: str):
    return fires("HighLatency", at, {"severity": "warning", "feature": feature},
                 summary=f"{feature}: P95 latency is {p95}",
                 description=f"95% of the requests of feature {feature} took up to {p95} over the last 5 minutes "
                             "(threshold 5s). Compare models and providers: a provider's rate limits or a slow "
                             "model usually drive it.")


def cost_fires(at, dollars: str, job: str = JOB):
    return fires("CostSpike", at, {"severity": "warning", "job": job},
                 summary=f"LLM cost of the last hour is ${dollars}, over 2x the same hour yesterday",
                 description=f"The AI service spent ${dollars} in the last hour, more than 2 times the same hour "
                             "yesterday (and over $1.00). Find the feature, model and tier that grew on the Cost "
                             "dashboard.")


def active_fires(at, value: str):
    return fires("HighActiveRequests", at, {"severity": "warning", "job": JOB},
                 summary=f"{value} AI requests in flight",
                 description=f"{value} requests are in flight across every instance of {JOB} (threshold 100): "
                             "requests pile up faster than providers answer.")


def no_data_fires(at):
    return fires("AIServiceNoData", at, {"severity": "critical"},
                 summary="The AI service reports no metrics",
                 description=f"No target of job {JOB} has been scraped successfully for 5 minutes: the service is "
                             "down or Prometheus cannot reach it, and every other alert of it is blind.")


def component_fires(at, component: str):
    return fires("AIComponentDown", at, {"severity": "warning", "component": component},
                 summary=f"Component {component} is unhealthy or stopped reporting",
                 description=f"The AI service reports its dependency {component} as down, or stopped reporting it "
                             "although it did within the last hour while the service itself is still scraped.")


def up(instance: str, values: str):
    return series(f'up{{{SERVICE},{instance}}}', values)


def component(name: str, values: str, instance: str = A1):
    return series(f'ai_component_up{{{SERVICE},{instance},component="{name}"}}', values)


def active(instance: str, values: str):
    return series(f'ai_active_requests{{{SERVICE},{instance},feature="chat"}}', values)


def cost(values: str, job: str = JOB):
    return series(f'ai_cost_dollars_total{{job="{job}",{A1},feature="chat",{CALL},tier="pro"}}', values)


RATIO = "feature:ai_request_error_ratio:rate5m"
P95 = "feature:ai_request_duration_seconds:p95_5m"
BUCKETS = "feature_model_le:ai_request_duration_seconds_bucket:rate5m"
COST_1H = "job:ai_cost_dollars:increase1h"
DAY = 1440  # input steps of one minute in a day

tests = [
    # --- HighErrorRate -----------------------------------------------------------------------------------------
    RuleTest(
        "failures start at 10m; pending for the 2m of `for`, then firing",
        requests("chat", "success", "0+19x80"),
        requests("chat", "error", "0x39 40+40x40"),
        silent("HighErrorRate", "9m45s"),
        pending("HighErrorRate", "10m", {"severity": "critical", "feature": "chat"}),
        pending("HighErrorRate", "11m45s", {"severity": "critical", "feature": "chat"}),
        error_rate_fires("12m", "chat", "48.65%"),
        # 200 failures and 380 successes in the window at 11m
        samples("feature:ai_request_errors:rate5m", "11m",
                {'feature:ai_request_errors:rate5m{feature="chat"}': 0.6666666666666667}),
        samples("feature:ai_requests:rate5m", "11m",
                {'feature:ai_requests:rate5m{feature="chat"}': 1.9333333333333336}),
        samples(RATIO, "11m", {f'{RATIO}{{feature="chat"}}': 0.3448275862068966}),
    ),
    RuleTest(
        "failures stop at 10m; firing while they are in the 5m window, resolved after",
        requests("chat", "success", "0+18x80"),
        requests("chat", "error", "0+2x40 80x40"),
        error_rate_fires("10m", "chat", "10%"),
        error_rate_fires("12m30s", "chat", "5.263%"),  # 20 failures left in the window, 360 successes
        silent("HighErrorRate", "12m45s"),  # 18 failures: 4.8%
        samples(RATIO, "12m", {f'{RATIO}{{feature="chat"}}': 0.062499999999999986}),
    ),
    RuleTest(
        "exactly 5% failing (3 in 60 requests) stays silent",
        requests("chat", "success", "0+57x40"),
        requests("chat", "error", "0+3x40"),
        silent("HighErrorRate", "10m"),
        samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0.05}),
    ),
    RuleTest(
        "5.1% failing fires",
        requests("chat", "success", "0+949x40"),
        requests("chat", "error", "0+51x40"),
        pending("HighErrorRate", "2m", {"severity": "critical", "feature": "chat"}),
        error_rate_fires("2m15s", "chat", "5.1%"),
        error_rate_fires("10m", "chat", "5.1%"),
    ),
    RuleTest(
        "4.9% failing stays silent",
        requests("chat", "success", "0+951x40"),
        requests("chat", "error", "0+49x40"),
        silent("HighErrorRate", "10m"),
    ),
    RuleTest(
        "low traffic, 1 failure in 2 requests, stays silent",
        requests("chat", "success", "0x6 1x5"),
        requests("chat", "error", "0x7 1x4"),
        silent("HighErrorRate", "10m"),
        samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0.5}),
        interval="1m",
    ),
    RuleTest(
        "the minimum traffic (15 requests in 5m), a third failing, fires",
        requests("chat", "success", "0+0.5x40"),
        requests("chat", "error", "0+0.25x40"),
        silent("HighErrorRate", "4m45s"),
        pending("HighErrorRate", "5m", {"severity": "critical", "feature": "chat"}),
        pending("HighErrorRate", "6m45s", {"severity": "critical", "feature": "chat"}),
        error_rate_fires("7m", "chat", "33.33%"),
        samples("feature:ai_requests:rate5m", "10m", {'feature:ai_requests:rate5m{feature="chat"}': 0.05}),
    ),
    RuleTest(
        "just under the minimum traffic (14 requests in 5m), a third failing, stays silent",
        requests("chat", "success", "0+0.45x40"),
        requests("chat", "error", "0+0.25x40"),
        silent("HighErrorRate", "10m"),
    ),
    RuleTest(
        "no traffic (0/0 is no number) stays silent",
        requests("chat", "success", "100x40"),
        requests("chat", "error", "5x40"),
        silent("HighErrorRate", "10m"),
        samples("feature:ai_requests:rate5m", "10m", {'feature:ai_requests:rate5m{feature="chat"}': 0}),
        samples(f"absent({RATIO} >= 0)", "10m", {"{}": 1}),
    ),
    RuleTest(
        "failures and no successful request at all (100% failing) fire",
        requests("chat", "error", "0+2x40"),
        error_rate_fires("10m", "chat", "100%"),
        samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 1}),
    ),
    RuleTest(
        "the error series does not exist yet; the ratio is 0, not a gap",
        requests("chat", "success", "0+20x40"),
        silent("HighErrorRate", "10m"),
        samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0}),
        samples("feature:ai_request_errors:rate5m", "10m"),
    ),
    RuleTest(
        "the error series appears with the first failure and fires once failures pass 5%",
        requests("chat", "success", "0+19x80"),
        requests("chat", "error", "_x40 1+10x40"),
        silent("HighErrorRate", "10m"),
        samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0}),
        error_rate_fires("15m", "chat", "34.48%"),
    ),
    RuleTest(
        "a restart (counter reset) at 10m with 2% failing stays silent",
        requests("chat", "success", "0+49x39 0+49x40"),
        requests("chat", "error", "0+1x39 0+1x40"),
        silent("HighErrorRate", "10m"),
        silent("HighErrorRate", "11m"),
        silent("HighErrorRate", "15m"),
    ),
    RuleTest(
        "a restart (counter reset) at 10m with 10% failing keeps firing",
        requests("chat", "success", "0+18x39 0+18x40"),
        requests("chat", "error", "0+2x39 0+2x40"),
        error_rate_fires("10m", "chat", "10%"),
        error_rate_fires("10m15s", "chat", "10%"),
        error_rate_fires("12m", "chat", "10%"),
    ),
    RuleTest(
        "a scrape gap of a minute while firing keeps it firing",
        requests("chat", "success", "0+18x40 _x4 810+18x35"),
        requests("chat", "error", "0+2x40 _x4 90+2x35"),
        error_rate_fires("10m", "chat", "10%"),
        error_rate_fires("10m45s", "chat", "10%"),
        error_rate_fires("12m", "chat", "10%"),
    ),

    # --- HighLatency (bucket counters written for the catalog's buckets of ai_request_duration_seconds) ---------
    RuleTest(
        "P95 exactly 5s (19 of 20 requests within 5s) stays silent",
        requests("chat", "success", "0+20x40"),
        durations("chat", (40, {4.0: 19, 6.0: 1})),
        silent("HighLatency", "10m"),
        samples(P95, "10m", {f'{P95}{{feature="chat"}}': 5}),
        samples(f'{BUCKETS}{{le=~"3|5|7.5|\\\\+Inf"}}', "10m", {
            f'{BUCKETS}{{feature="chat",model="gpt-4o",le="3"}}': 0,
            f'{BUCKETS}{{feature="chat",model="gpt-4o",le="5"}}': 1.2666666666666668,
            f'{BUCKETS}{{feature="chat",model="gpt-4o",le="7.5"}}': 1.3333333333333335,
            f'{BUCKETS}{{feature="chat",model="gpt-4o",le="+Inf"}}': 1.3333333333333335,
        }),
    ),
    RuleTest(
        "P95 just above 5s from the start; pending through 5m, firing at 5m15s",
        requests("chat", "success", "0+1000x40"),
        durations("chat", (40, {4.0: 949, 6.0: 51})),
        pending("HighLatency", "15s", {"severity": "warning", "feature": "chat"}),
        pending("HighLatency", "5m", {"severity": "warning", "feature": "chat"}),
        latency_fires("5m15s", "chat", "5.049s"),
        latency_fires("10m", "chat", "5.049s"),
        samples(P95, "10m", {f'{P95}{{feature="chat"}}': 5.049019607843134}),
    ),
    RuleTest(
        "P95 just below 5s stays silent",
        requests("chat", "success", "0+1000x40"),
        durations("chat", (40, {4.0: 951, 6.0: 49})),
        silent("HighLatency", "10m"),
        samples(P95, "10m", {f'{P95}{{feature="chat"}}': 4.997896950578339}),
    ),
    RuleTest(
        "slow requests stop at 10m; firing while they are in the 5m window, resolved after",
        requests("chat", "success", "0+20x80"),
        durations("chat", (40, {10.0: 20}), (40, {1.0: 20})),
        latency_fires("10m", "chat", "9.875s"),
        latency_fires("14m", "chat", "9.375s"),
        silent("HighLatency", "15m"),
        samples(P95, "12m", {f'{P95}{{feature="chat"}}': 9.791666666666668}),
    ),
    RuleTest(
        "slow but low traffic (14 requests in 5m) stays silent",
        requests("chat", "success", "0+2.8x20"),
        durations("chat", (20, {6.0: 2.8})),
        silent("HighLatency", "10m"),
        interval="1m",
    ),
    RuleTest(
        "slow at the minimum traffic (15 requests in 5m) fires",
        requests("chat", "success", "0+3x20"),
        durations("chat", (20, {6.0: 3})),
        latency_fires("10m", "chat", "7.375s"),
        interval="1m",
    ),
    RuleTest(
        "no traffic (no quantile) stays silent",
        requests("chat", "success", "7x40"),
        durations("chat", (40, {})),
        silent("HighLatency", "10m"),
        samples(f"absent({P95} >= 0)", "10m", {"{}": 1}),
    ),
    RuleTest(
        "every request slower than the largest finite bucket reads as that bound (120s) and fires",
        requests("chat", "success", "0+20x40"),
        durations("chat", (40, {200.0: 20})),
        latency_fires("10m", "chat", "2m 0s"),
        samples(P95, "10m", {f'{P95}{{feature="chat"}}': 120}),
    ),

    # --- HighActiveRequests --------------------------------------------------------------------------------------
    RuleTest(
        "101 in flight across two instances from 5m; pending for 5m, then firing",
        active(A1, "50x19 60x40"),
        active(A2, "40x19 41x40"),
        silent("HighActiveRequests", "4m45s"),
        pending("HighActiveRequests", "5m", {"severity": "warning", "job": JOB}),
        pending("HighActiveRequests", "9m45s", {"severity": "warning", "job": JOB}),
        active_fires("10m", "101"),
    ),
    RuleTest(
        "exactly 100 in flight stays silent",
        active(A1, "60x40"),
        active(A2, "40x40"),
        silent("HighActiveRequests", "10m"),
    ),
    RuleTest(
        "a target going stale leaves the sum at once; under the threshold it resolves",
        active(A1, "60x60"),
        active(A2, "60x40 stale"),
        active_fires("10m", "120"),
        silent("HighActiveRequests", "10m15s"),
    ),
    RuleTest(
        "a target going stale while the others still exceed the threshold keeps it firing",
        active(A1, "110x60"),
        active(A2, "20x40 stale"),
        active_fires("10m", "130"),
        active_fires("10m15s", "110"),
    ),

    # --- AIServiceNoData -----------------------------------------------------------------------------------------
    RuleTest(
        "every target down from 5m; pending for 5m, then firing",
        up(A1, "1x19 0x40"),
        up(A2, "1x19 0x40"),
        silent("AIServiceNoData", "4m45s"),
        pending("AIServiceNoData", "5m", {"severity": "critical"}),
        pending("AIServiceNoData", "9m45s", {"severity": "critical"}),
        no_data_fires("10m"),
    ),
    RuleTest(
        "one of two targets down stays silent",
        up(A1, "1x40"),
        up(A2, "1x19 0x20"),
        silent("AIServiceNoData", "10m"),
    ),
    RuleTest(
        "no target at all (service discovery lost them) fires after 5m",
        series('up{job="prometheus",instance="localhost:9090"}', "1x40"),
        pending("AIServiceNoData", "4m45s", {"severity": "critical"}),
        no_data_fires("5m"),
    ),
    RuleTest(
        "targets going stale at 5m (removed) fire 5m later",
        up(A1, "1x19 stale"),
        pending("AIServiceNoData", "9m45s", {"severity": "critical"}),
        no_data_fires("10m"),
    ),
    RuleTest(
        "a scrape gap shorter than 5m stays silent (the last sample still counts)",
        up(A1, "1x19 _x12 1x10"),
        silent("AIServiceNoData", "6m"),
        silent("AIServiceNoData", "8m"),
    ),

    # --- AIComponentDown -----------------------------------------------------------------------------------------
    RuleTest(
        "redis reports unhealthy from 5m; pending for 2m, then firing",
        up(A1, "1x40"),
        component("llm", "1x40"),
        component("redis", "1x19 0x20"),
        silent("AIComponentDown", "4m45s"),
        pending("AIComponentDown", "5m", {"severity": "warning", "component": "redis"}),
        pending("AIComponentDown", "6m45s", {"severity": "warning", "component": "redis"}),
        component_fires("7m", "redis"),
    ),
    RuleTest(
        "redis stops being reported at 5m while the service is scraped; fires 2m later",
        up(A1, "1x40"),
        component("llm", "1x40"),
        component("redis", "1x19 stale"),
        silent("AIComponentDown", "4m45s"),
        pending("AIComponentDown", "6m45s", {"severity": "warning", "component": "redis"}),
        component_fires("7m", "redis"),
    ),
    RuleTest(
        "a component gone for 45m still fires; once gone for more than the 1h window it resolves",
        up(A1, "1x280"),
        component("llm", "1x280"),
        component("redis", "1x19 stale"),
        component_fires("50m", "redis"),
        component_fires("1h4m45s", "redis"),
        silent("AIComponentDown", "1h5m"),
    ),
    RuleTest(
        "the whole service down stays silent (AIServiceNoData fires instead)",
        up(A1, "1x19 0x40"),
        component("llm", "1x19 stale"),
        component("redis", "1x19 stale"),
        silent("AIComponentDown", "7m"),
        silent("AIComponentDown", "10m"),
        no_data_fires("10m"),
    ),
    RuleTest(
        "one of two instances stops reporting redis, the other still does: silent",
        up(A1, "1x40"),
        up(A2, "1x40"),
        component("redis", "1x40", A1),
        component("redis", "1x19 stale", A2),
        silent("AIComponentDown", "10m"),
    ),
    RuleTest(
        "one of two instances reports redis down, the other healthy: the healthiest report wins, silent",
        up(A1, "1x40"),
        up(A2, "1x40"),
        component("redis", "1x40", A1),
        component("redis", "1x19 0x20", A2),
        silent("AIComponentDown", "10m"),
    ),

    # --- CostSpike (a day of history: one-minute inputs and evaluations) ----------------------------------------
    RuleTest(
        "$2.10 this hour against $1.00 the same hour yesterday; pending for 30m, firing, resolved",
        cost(f"0x59 1x{DAY - 1} 3.1x60"),
        silent("CostSpike", "1d59m"),
        pending("CostSpike", "1d1h", {"severity": "warning", "job": JOB}),
        pending("CostSpike", "1d1h29m", {"severity": "warning", "job": JOB}),
        cost_fires("1d1h30m", "2.10"),
        silent("CostSpike", "1d2h"),
        samples(COST_1H, "1d1h30m", {f'{COST_1H}{{job="{JOB}"}}': 2.1}),
        samples(COST_1H, "1d2h", {f'{COST_1H}{{job="{JOB}"}}': 0}),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "exactly twice the same hour yesterday stays silent",
        cost(f"0x59 1x{DAY - 1} 3x60"),
        silent("CostSpike", "1d1h"),
        silent("CostSpike", "1d1h30m"),
        silent("CostSpike", "1d1h45m"),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "1.9 times the same hour yesterday stays silent",
        cost(f"0x59 1x{DAY - 1} 2.9x60"),
        silent("CostSpike", "1d1h30m"),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "nothing in the same hour yesterday (only earlier that day) and $1.05 this hour (just over the $1 floor) "
        "fires",
        cost(f"0x29 1x{DAY + 89} 2.05x60"),  # $1 spent yesterday at 0h30, outside the hour compared with
        pending("CostSpike", "1d2h29m", {"severity": "warning", "job": JOB}),
        cost_fires("1d2h30m", "1.05"),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "zero cost yesterday and exactly $1.00 this hour (the floor) stays silent",
        cost(f"0x{DAY + 59} 1x60"),
        silent("CostSpike", "1d1h30m"),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "zero cost yesterday and $0.95 this hour (under the floor) stays silent",
        cost(f"0x{DAY + 59} 0.95x60"),
        silent("CostSpike", "1d1h30m"),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "no data on the same hour yesterday (new deployment) stays silent, even at $50",
        cost(f"_x{DAY} 0x59 50x60"),
        silent("CostSpike", "1d1h30m"),
        samples("increase(ai_cost_dollars_total[1h] offset 1d)", "1d1h30m"),
        interval="1m", evaluation_interval="1m",
    ),
    RuleTest(
        "a restart (counter reset) before the spike; increase() counts across it and it fires",
        cost(f"0x59 1x{DAY - 11} 0x9 2.1x60"),
        cost_fires("1d1h30m", "2.10"),
        samples(COST_1H, "1d1h30m", {f'{COST_1H}{{job="{JOB}"}}': 2.1}),
        interval="1m", evaluation_interval="1m",
    ),
]

# Another naming: the same alerts and records, proven on that naming's series.
if N is GENAI_SEMCONV:
    tests = _genai_semconv_tests.scenarios(sys.modules[__name__])
