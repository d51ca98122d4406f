"""HighErrorRate, and the request and error records it reads: the scenarios, written once for every naming."""

from generator.rules import RuleTest, fires, pending, rounded, samples, silent

from .inputs import A2, FAILED, OK, requests

ALERT = "HighErrorRate"
RATIO = "feature:ai_request_error_ratio:rate5m"
ERRORS = "feature:ai_request_errors:rate5m"
REQUESTS = "feature:ai_requests:rate5m"
CRITICAL = {"severity": "critical", "feature": "chat"}


def error_rate_fires(at, feature: str, percent: str):
    return fires(ALERT, at, {"severity": "critical", "feature": feature},
                 summary=f"{feature}: {percent} of AI requests fail",
                 description=f"{percent} of the requests of feature {feature} failed over the last 5 minutes "
                             "(threshold 5%, with at least 15 requests in that window). Check errors by type and "
                             "provider on the Feature Detail dashboard.")


def scenarios() -> list[RuleTest]:
    return [
        RuleTest(
            "failures start at 10m; pending for the 2m of `for`, then firing",
            requests("chat", OK, "0+19x80"),
            requests("chat", FAILED, "0x39 40+40x40"),
            silent(ALERT, "9m45s"),
            pending(ALERT, "10m", CRITICAL),
            pending(ALERT, "11m45s", CRITICAL),
            error_rate_fires("12m", "chat", "48.65%"),
            # 200 failures and 380 successes in the window at 11m
            samples(ERRORS, "11m", {f'{ERRORS}{{feature="chat"}}': 0.6666666666666667}),
            rounded(REQUESTS, "11m", {f'{REQUESTS}{{feature="chat"}}': 29 / 15}),
            samples(RATIO, "11m", {f'{RATIO}{{feature="chat"}}': 0.3448275862068966}),
        ),
        RuleTest(
            "failures stop at 10m; firing while they are in the 5m window, resolved after",
            requests("chat", OK, "0+18x80"),
            requests("chat", FAILED, "0+2x40 80x40"),
            error_rate_fires("10m", "chat", "10%"),
            # 20 or 22 failures left in the window (Prometheus 3 or 2), 342 or 360 successes: 5.5% or 5.8%. While
            # the window holds the change, 2 and 3 read different ratios: the state is checked, not the annotation.
            samples(f'ALERTS{{alertname="{ALERT}",alertstate="firing"}}', "12m15s",
                    {f'ALERTS{{alertname="{ALERT}",alertstate="firing",feature="chat",severity="critical"}}': 1}),
            silent(ALERT, "12m45s"),  # 16 or 18 failures: 4.5% or 4.8%
        ),
        RuleTest(
            "exactly 5% failing (1 in 20 requests) stays silent",
            # Whole requests a second (19 + 1), sampled every minute: rate() reads them exactly in Prometheus 2 and 3.
            requests("chat", OK, "0+1140x15"),
            requests("chat", FAILED, "0+60x15"),
            silent(ALERT, "10m"),
            samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0.05}),
            interval="1m",
        ),
        RuleTest(
            "exactly 5% failing, over two error types (on two instances), stays silent",
            # Three series: whole requests a second (76 + 3 + 1), sampled every minute and checked on a sample, which
            # rate() reads exactly (generator.rules.reads_exactly): promtool loads a test's series in no fixed order,
            # so sum() adds them in none, and a sum of three inexact rates rounds differently from run to run.
            requests("chat", OK, "0+4560x15"),
            requests("chat", "timeout", "0+180x15"),
            requests("chat", "rate_limit", "0+60x15", A2),
            silent(ALERT, "10m"),
            samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0.05}),
            interval="1m",
        ),
        RuleTest(
            "5.1% failing fires",
            requests("chat", OK, "0+949x40"),
            requests("chat", FAILED, "0+51x40"),
            pending(ALERT, "2m", CRITICAL),
            error_rate_fires("2m15s", "chat", "5.1%"),
            error_rate_fires("10m", "chat", "5.1%"),
        ),
        RuleTest(
            "4.9% failing stays silent",
            requests("chat", OK, "0+951x40"),
            requests("chat", FAILED, "0+49x40"),
            silent(ALERT, "10m"),
        ),
        RuleTest(
            "low traffic, 1 failure in 2 requests, stays silent",
            requests("chat", OK, "0x6 1x5"),
            requests("chat", FAILED, "0x7 1x4"),
            silent(ALERT, "10m"),
            samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0.5}),
            interval="1m",
        ),
        RuleTest(
            "the minimum traffic (15 requests in 5m), a third failing, fires",
            requests("chat", OK, "0+0.5x40"),
            requests("chat", FAILED, "0+0.25x40"),
            silent(ALERT, "4m45s"),
            pending(ALERT, "5m", CRITICAL),
            pending(ALERT, "6m45s", CRITICAL),
            error_rate_fires("7m", "chat", "33.33%"),
            samples(REQUESTS, "10m", {f'{REQUESTS}{{feature="chat"}}': 0.05}),
        ),
        RuleTest(
            "just under the minimum traffic (14 requests in 5m), a third failing, stays silent",
            requests("chat", OK, "0+0.45x40"),
            requests("chat", FAILED, "0+0.25x40"),
            silent(ALERT, "10m"),
        ),
        RuleTest(
            "no traffic (0/0 is no number) stays silent",
            requests("chat", OK, "100x40"),
            requests("chat", FAILED, "5x40"),
            silent(ALERT, "10m"),
            samples(REQUESTS, "10m", {f'{REQUESTS}{{feature="chat"}}': 0}),
            samples(f"absent({RATIO} >= 0)", "10m", {"{}": 1}),
        ),
        RuleTest(
            "failures and no successful request at all (100% failing) fire",
            requests("chat", FAILED, "0+2x40"),
            error_rate_fires("10m", "chat", "100%"),
            samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 1}),
        ),
        RuleTest(
            "the error series does not exist yet; the ratio is 0, not a gap",
            requests("chat", OK, "0+20x40"),
            silent(ALERT, "10m"),
            samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0}),
            samples(ERRORS, "10m"),
        ),
        RuleTest(
            "the error series appears with the first failure and fires once failures pass 5%",
            requests("chat", OK, "0+19x80"),
            requests("chat", FAILED, "_x40 1+10x40"),
            silent(ALERT, "10m"),
            samples(RATIO, "10m", {f'{RATIO}{{feature="chat"}}': 0}),
            error_rate_fires("15m", "chat", "34.48%"),
        ),
        RuleTest(
            "a restart (counter reset) at 10m with 2% failing stays silent",
            requests("chat", OK, "0+49x39 0+49x40"),
            requests("chat", FAILED, "0+1x39 0+1x40"),
            silent(ALERT, "10m"),
            silent(ALERT, "11m"),
            silent(ALERT, "15m"),
        ),
        RuleTest(
            "a restart (counter reset) at 10m with 10% failing keeps firing",
            requests("chat", OK, "0+18x39 0+18x40"),
            requests("chat", FAILED, "0+2x39 0+2x40"),
            error_rate_fires("10m", "chat", "10%"),
            error_rate_fires("10m15s", "chat", "10%"),
            error_rate_fires("12m", "chat", "10%"),
        ),
        RuleTest(
            "a scrape gap of a minute while firing keeps it firing",
            requests("chat", OK, "0+18x40 _x4 810+18x35"),
            requests("chat", FAILED, "0+2x40 _x4 90+2x35"),
            error_rate_fires("10m", "chat", "10%"),
            error_rate_fires("10m45s", "chat", "10%"),
            error_rate_fires("12m", "chat", "10%"),
        ),
    ]
