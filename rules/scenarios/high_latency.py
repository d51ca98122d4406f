"""HighLatency, and the latency records it reads: the scenarios, written once for every naming.

The durations are written for the bucket bounds of the naming's catalog, and the P95 a scenario expects is what
histogram_quantile reads over them (inputs.p95): 4 s and 6 s requests read 5.049 s with bounds at 3, 5 and 7.5 s,
5.22 s with the GenAI conventions' 2.56, 5.12 and 10.24 s. A scenario whose proof needs a bound at the threshold
(P95 exactly 5 s, or just under it) holds where the catalog has one.
"""

from generator.rules import RuleTest, fires, pending, rounded, samples, silent

from ...settings import LATENCY_P95_SECONDS
from .inputs import BOUNDS, OK, bucket_of, bucket_rates, durations, humanize_duration, le, p95, requests, where

ALERT = "HighLatency"
P95 = "feature:ai_request_duration_seconds:p95_5m"
BUCKETS = "feature_model_le:ai_request_duration_seconds_bucket:rate5m"
WARNING = {"severity": "warning", "feature": "chat"}
LOWER, UPPER = bucket_of(LATENCY_P95_SECONDS)  # the bucket the threshold falls in
ABOVE = BOUNDS[BOUNDS.index(UPPER) + 1]  # the bound after it


def latency_fires(at, feature: str, seconds: float):
    p95_text = humanize_duration(seconds)
    return fires(ALERT, at, {"severity": "warning", "feature": feature},
                 summary=f"{feature}: P95 latency is {p95_text}",
                 description=f"95% of the requests of feature {feature} took up to {p95_text} over the last 5 minutes "
                             "(threshold 5s). Compare models and providers: a provider's rate limits or a slow "
                             "model usually drive it.")


def p95_is(at: str, *phases, interval: str = "15s"):
    """The recorded P95 at ``at``, to 1e-9: Prometheus 2 and 3 read it a bit apart."""
    return rounded(P95, at, {f'{P95}{{feature="chat"}}': p95(at, *phases, interval=interval)})


def buckets_are(at: str, bounds, *phases):
    """The recorded bucket rates of ``bounds`` (the catalog's; ``inf`` for +Inf) at ``at``, to 1e-9."""
    rates = bucket_rates(at, *phases)
    pattern = "|".join(le(b) for b in bounds).replace("+Inf", "\\\\+Inf")
    return rounded(f'{BUCKETS}{{le=~"{pattern}"}}', at, {
        f'{BUCKETS}{{feature="chat",model="gpt-4o",le="{le(b)}"}}': rates[b] for b in bounds})


def scenarios() -> list[RuleTest]:
    just_above = (40, {4.0: 949, 6.0: 51})
    slow_then_fast = ((40, {10.0: 20}), (40, {1.0: 20}))
    slow = (20, {6.0: 3})
    return [
        *where(
            UPPER == LATENCY_P95_SECONDS,  # a bound at the threshold: P95 reads exactly 5s
            RuleTest(
                "P95 exactly 5s (19 of 20 requests within 5s) stays silent",
                requests("chat", OK, "0+20x40"),
                durations("chat", (40, {4.0: 19, 6.0: 1})),
                silent(ALERT, "10m"),
                p95_is("10m", (40, {4.0: 19, 6.0: 1})),
                buckets_are("10m", (LOWER, UPPER, ABOVE, float("inf")), (40, {4.0: 19, 6.0: 1})),
            ),
        ),
        RuleTest(
            "P95 just above 5s from the start; pending through 5m, firing at 5m15s",
            requests("chat", OK, "0+1000x40"),
            durations("chat", just_above),
            pending(ALERT, "15s", WARNING),
            pending(ALERT, "5m", WARNING),
            latency_fires("5m15s", "chat", p95("5m15s", just_above)),
            latency_fires("10m", "chat", p95("10m", just_above)),
            p95_is("10m", just_above),
            buckets_are("10m", (LOWER, UPPER), just_above),
        ),
        *where(
            UPPER == LATENCY_P95_SECONDS,  # just under a bound at the threshold
            RuleTest(
                "P95 just below 5s stays silent",
                requests("chat", OK, "0+1000x40"),
                durations("chat", (40, {4.0: 951, 6.0: 49})),
                silent(ALERT, "10m"),
                p95_is("10m", (40, {4.0: 951, 6.0: 49})),
            ),
        ),
        RuleTest(
            "every request at 4s, in the bucket of the threshold (P95 under 5s), stays silent",
            requests("chat", OK, "0+1000x40"),
            durations("chat", (40, {4.0: 1000})),
            silent(ALERT, "10m"),
            p95_is("10m", (40, {4.0: 1000})),
        ),
        RuleTest(
            "slow requests stop at 10m; firing while they are in the 5m window, resolved after",
            requests("chat", OK, "0+20x80"),
            durations("chat", *slow_then_fast),
            latency_fires("10m", "chat", p95("10m", *slow_then_fast)),
            latency_fires("14m", "chat", p95("14m", *slow_then_fast)),
            silent(ALERT, "15m"),
            p95_is("12m", *slow_then_fast),
        ),
        RuleTest(
            "slow but low traffic (14 requests in 5m) stays silent",
            requests("chat", OK, "0+2.8x20"),
            durations("chat", (20, {6.0: 2.8})),
            silent(ALERT, "10m"),
            interval="1m",
        ),
        RuleTest(
            "slow at the minimum traffic (15 requests in 5m) fires",
            requests("chat", OK, "0+3x20"),
            durations("chat", slow),
            latency_fires("10m", "chat", p95("10m", slow, interval="1m")),
            interval="1m",
        ),
        RuleTest(
            "no traffic (no quantile) stays silent",
            requests("chat", OK, "7x40"),
            durations("chat", (40, {})),
            silent(ALERT, "10m"),
            samples(f"absent({P95} >= 0)", "10m", {"{}": 1}),
        ),
        RuleTest(
            "every request slower than the largest finite bucket reads as that bound and fires",
            requests("chat", OK, "0+20x40"),
            durations("chat", (40, {200.0: 20})),
            latency_fires("10m", "chat", BOUNDS[-1]),
            p95_is("10m", (40, {200.0: 20})),
        ),
    ]
