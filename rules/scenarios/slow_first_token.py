"""SlowFirstToken, and the time-to-first-token records it reads: the scenarios, written once for every naming.

The first tokens are written for the first-token buckets of the naming's catalog and the P95 a scenario expects
is what histogram_quantile reads over them (inputs.p95 with those bounds): 2 s and 3 s first tokens read 2.549 s
with bounds at 1, 2.5 and 5 s, 2.61 s with the GenAI conventions' 1.28, 2.56 and 5.12 s. A proof that needs a bound
at the threshold holds where the catalog has one. Where the naming follows two conventions releases (naming.py
``renamed``), a service sending both releases' names is read once, and one sending only the next release's
names is read as well.
"""

from generator import names
from generator.rules import RuleTest, fires, pending, rounded, samples, silent

from ...naming import N
from ...settings import FIRST_TOKEN_P95_SECONDS
from .inputs import (
    A1,
    A2,
    FIRST_TOKEN_BOUNDS,
    OK,
    bucket_of,
    bucket_rates,
    durations,
    first_token_count,
    first_tokens,
    humanize_duration,
    le,
    p95,
    requests,
    where,
)

ALERT = "SlowFirstToken"
P95 = "feature:ai_time_to_first_token_seconds:p95_5m"
BUCKETS = "feature_model_le:ai_time_to_first_token_seconds_bucket:rate5m"
WARNING = {"severity": "warning", "feature": "chat"}
LOWER, UPPER = bucket_of(FIRST_TOKEN_P95_SECONDS, FIRST_TOKEN_BOUNDS)
TWO_RELEASES = bool(N.renamed.get("first_token_bucket"))
# What the panels by provider read (dashboards/_common.quantile_by): the deprecated label stands in (N.either)
_OLD = N.deprecated.get(N.label("provider"), ("",))[0]
_COUNT = names.selector(N.signals["first_token_bucket"][0].removesuffix("_bucket") + "_count")
_BY_PROVIDER = f"sum by ({N.by('provider')}) ({N.either(f'rate({_COUNT}[5m])', 'provider')})"


def first_token_fires(at, feature: str, seconds: float):
    text = humanize_duration(seconds)
    return fires(ALERT, at, {"severity": "warning", "feature": feature},
                 summary=f"{feature}: P95 time to first token is {text}",
                 description=f"95% of the streamed answers of feature {feature} started within {text} over the last "
                             f"5 minutes (threshold {FIRST_TOKEN_P95_SECONDS:g}s): users wait before anything "
                             "appears, even where whole requests are not slower. Compare models and providers on "
                             "the Overview dashboard.")


def quantile(at: str, *phases, interval: str = "15s") -> float:
    return p95(at, *phases, interval=interval, bounds=FIRST_TOKEN_BOUNDS)


def p95_is(at: str, *phases):
    return rounded(P95, at, {f'{P95}{{feature="chat"}}': quantile(at, *phases)})


def buckets_are(at: str, bounds, *phases):
    rates = bucket_rates(at, *phases, bounds=FIRST_TOKEN_BOUNDS)
    pattern = "|".join(le(b) for b in bounds).replace("+Inf", "\\\\+Inf")
    return rounded(f'{BUCKETS}{{le=~"{pattern}"}}', at, {
        f'{BUCKETS}{{feature="chat",model="gpt-4o",le="{le(b)}"}}': rates[b] for b in bounds})


def scenarios() -> list[RuleTest]:
    just_above = (40, {2.0: 949, 3.0: 51})
    slow_then_fast = ((40, {4.0: 20}), (40, {0.5: 20}))
    slow = (20, {4.0: 3})
    return [
        RuleTest(
            "P95 just above 2.5s from the start; pending through 5m, firing at 5m15s",
            requests("chat", OK, "0+1000x40"),
            first_tokens("chat", just_above),
            pending(ALERT, "15s", WARNING),
            pending(ALERT, "5m", WARNING),
            first_token_fires("5m15s", "chat", quantile("5m15s", just_above)),
            p95_is("10m", just_above),
            buckets_are("10m", (LOWER, UPPER, float("inf")), just_above),
        ),
        *where(
            UPPER == FIRST_TOKEN_P95_SECONDS,  # a bound at the threshold: P95 reads exactly 2.5s, or just under
            RuleTest(
                "P95 exactly 2.5s (19 of 20 first tokens within 2.5s) stays silent",
                requests("chat", OK, "0+20x40"),
                first_tokens("chat", (40, {2.0: 19, 3.0: 1})),
                silent(ALERT, "10m"),
                p95_is("10m", (40, {2.0: 19, 3.0: 1})),
            ),
            RuleTest(
                "P95 just below 2.5s stays silent",
                requests("chat", OK, "0+1000x40"),
                first_tokens("chat", (40, {2.0: 951, 3.0: 49})),
                silent(ALERT, "10m"),
            ),
        ),
        RuleTest(
            "first tokens slow, requests as fast as ever: SlowFirstToken fires and HighLatency stays silent",
            requests("chat", OK, "0+20x40"),
            durations("chat", (40, {4.0: 20})),
            first_tokens("chat", (40, {3.0: 20})),
            first_token_fires("10m", "chat", quantile("10m", (40, {3.0: 20}))),
            silent("HighLatency", "10m"),
        ),
        RuleTest(
            "slow first tokens stop at 10m; firing while they are in the 5m window, resolved after",
            requests("chat", OK, "0+20x80"),
            first_tokens("chat", *slow_then_fast),
            first_token_fires("10m", "chat", quantile("10m", *slow_then_fast)),
            first_token_fires("14m", "chat", quantile("14m", *slow_then_fast)),
            silent(ALERT, "15m"),
            p95_is("12m", *slow_then_fast),
        ),
        RuleTest(
            "slow first tokens but low traffic (14 requests in 5m) stays silent",
            requests("chat", OK, "0+2.8x20"),
            first_tokens("chat", (20, {4.0: 2.8})),
            silent(ALERT, "10m"),
            interval="1m",
        ),
        RuleTest(
            "slow first tokens at the minimum traffic (15 requests in 5m) fire",
            requests("chat", OK, "0+3x20"),
            first_tokens("chat", slow),
            first_token_fires("10m", "chat", quantile("10m", slow, interval="1m")),
            interval="1m",
        ),
        RuleTest(
            "no streamed answer (no quantile) stays silent",
            requests("chat", OK, "0+20x40"),
            first_tokens("chat", (40, {})),
            silent(ALERT, "10m"),
            samples(f"absent({P95} >= 0)", "10m", {"{}": 1}),
        ),
        *where(
            bool(N.deprecated.get(N.label("provider"))),
            RuleTest(
                "provider mid-migration: a series with the deprecated label only, one with its successor only and "
                "one with both are each counted once, under one provider",
                requests("chat", OK, "0+1000x40"),
                first_token_count(A1, {}, "0+60x40"),
                first_token_count(A2, {N.label("provider"): "", _OLD: "openai"}, "0+60x40"),
                first_token_count("ai-3:8000", {_OLD: "openai"}, "0+60x40"),
                silent(ALERT, "10m"),
                rounded(_BY_PROVIDER, "10m", {f'{{{N.quoted("provider")}="openai"}}': 12}),
            ),
        ),
        *where(
            TWO_RELEASES,
            RuleTest(
                "mid-migration: an instance sending both releases' names is read once",
                requests("chat", OK, "0+1000x40"),
                first_tokens("chat", just_above),
                first_tokens("chat", just_above, release=1),
                first_token_fires("10m", "chat", quantile("10m", just_above)),
                buckets_are("10m", (LOWER, UPPER, float("inf")), just_above),
            ),
            RuleTest(
                "one instance on each release: both are read, each once",
                requests("chat", OK, "0+1000x40"),
                first_tokens("chat", just_above),
                first_tokens("chat", just_above, instance=A2, release=1),
                first_token_fires("10m", "chat", quantile("10m", just_above)),
                # twice the rates of one instance, in every bucket
                rounded(f'{BUCKETS}{{le="+Inf"}}', "10m", {
                    f'{BUCKETS}{{feature="chat",model="gpt-4o",le="+Inf"}}':
                        2 * bucket_rates("10m", just_above, bounds=FIRST_TOKEN_BOUNDS)[float("inf")]}),
            ),
            RuleTest(
                "a service on the next release only: its first tokens are read",
                requests("chat", OK, "0+1000x40"),
                first_tokens("chat", just_above, release=1),
                first_token_fires("10m", "chat", quantile("10m", just_above)),
                p95_is("10m", just_above),
            ),
        ),
    ]
