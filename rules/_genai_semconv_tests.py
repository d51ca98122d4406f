"""The rule tests of ai_service.py for the GenAI semantic-conventions naming (`metrics = "genai-semconv"`).

The alerts and the seam's records are the same text for every naming, and so are their expected labels and
annotations (the helpers of ai_service_tests.py); only the inputs differ: the exporter's series as Prometheus
stores them. A successful operation has no `error_type` label (the exporter writes error_type="", which
Prometheus drops), operations are the `_count` of the duration histogram, bucket bounds are the advised ones, and
HighActiveRequests reads the rate of the durations' `_sum` (Little's law) for want of an in-flight gauge.
AIComponentDown is not compiled for this naming (no component health), so it has no scenario.
"""

from generator.rules import RuleTest, histogram, pending, samples, series, silent

OPS = "gen_ai_client_operation_duration_seconds"
COST = "gen_ai_client_estimated_cost_USD_total"


def scenarios(h) -> list[RuleTest]:
    """``h``: the module ai_service_tests (its JOB, instances, alert expectations and record names)."""
    job, a1, a2, day = h.JOB, h.A1, h.A2, h.DAY
    call = 'gen_ai_request_model="gpt-4o",gen_ai_provider_name="openai"'

    def ops(operation: str, error_type: str, values: str, instance: str = a1):
        failed = f',error_type="{error_type}"' if error_type else ""
        return series(f'{OPS}_count{{job="{job}",{instance},gen_ai_operation_name="{operation}",{call}{failed}}}',
                      values)

    def durations(operation: str, *phases):
        labels = {"job": job, "instance": "ai-1:8000", "gen_ai_operation_name": operation,
                  "gen_ai_request_model": "gpt-4o", "gen_ai_provider_name": "openai"}
        return histogram(OPS, labels, *phases)

    def busy(instance: str, values: str):
        return series(f'{OPS}_sum{{job="{job}",{instance},gen_ai_operation_name="chat",{call}}}', values)

    def cost(values: str):
        return series(f'{COST}{{job="{job}",{a1},gen_ai_operation_name="chat",{call}}}', values)

    ratio, p95, buckets, cost_1h = h.RATIO, h.P95, h.BUCKETS, h.COST_1H
    return [
        RuleTest(
            "failures start at 10m; pending for the 2m of `for`, then firing",
            ops("chat", "", "0+19x80"),
            ops("chat", "provider_error", "0x39 40+40x40"),
            silent("HighErrorRate", "9m45s"),
            pending("HighErrorRate", "10m", {"severity": "critical", "feature": "chat"}),
            h.error_rate_fires("12m", "chat", "48.65%"),
            samples("feature:ai_request_errors:rate5m", "11m",
                    {'feature:ai_request_errors:rate5m{feature="chat"}': 0.6666666666666667}),
            samples("feature:ai_requests:rate5m", "11m",
                    {'feature:ai_requests:rate5m{feature="chat"}': 1.9333333333333336}),
            samples(ratio, "11m", {f'{ratio}{{feature="chat"}}': 0.3448275862068966}),
        ),
        RuleTest(
            "exactly 5% failing, over two error types, stays silent",
            # Whole operations a second (76 + 3 + 1), which rate() reads exactly: promtool loads a test's series in
            # no fixed order, so sum() adds them in none, and a sum of three inexact rates rounds differently per run.
            ops("chat", "", "0+4560x15"),
            ops("chat", "timeout", "0+180x15"),
            ops("chat", "rate_limit", "0+60x15"),
            silent("HighErrorRate", "10m"),
            samples(ratio, "10m", {f'{ratio}{{feature="chat"}}': 0.05}),
            interval="1m", evaluation_interval="1m",
        ),
        RuleTest(
            "P95 in the 5.12-10.24s bucket fires after 5m",
            ops("chat", "", "0+1000x40"),
            durations("chat", (40, {4.0: 949, 6.0: 51})),
            pending("HighLatency", "5m", {"severity": "warning", "feature": "chat"}),
            h.latency_fires("5m15s", "chat", "5.22s"),
            samples(p95, "10m", {f'{p95}{{feature="chat"}}': 5.220392156862739}),
            samples(f'{buckets}{{le=~"2.56|5.12"}}', "10m", {
                f'{buckets}{{feature="chat",model="gpt-4o",le="2.56"}}': 0,
                f'{buckets}{{feature="chat",model="gpt-4o",le="5.12"}}': 63.26666666666667,
            }),
        ),
        RuleTest(
            "every request within 5.12s (P95 4.99s) stays silent",
            ops("chat", "", "0+1000x40"),
            durations("chat", (40, {4.0: 1000})),
            silent("HighLatency", "10m"),
            samples(p95, "10m", {f'{p95}{{feature="chat"}}': 4.992}),
        ),
        RuleTest(
            "101 operations in flight on average (Little's law) across two instances; pending 5m, then firing",
            busy(a1, "0+900x60"),
            busy(a2, "0+615x60"),
            pending("HighActiveRequests", "5m", {"severity": "warning", "job": job}),
            h.active_fires("10m", "101"),
        ),
        RuleTest(
            "exactly 100 in flight on average stays silent",
            busy(a1, "0+900x60"),
            busy(a2, "0+600x60"),
            silent("HighActiveRequests", "10m"),
        ),
        RuleTest(
            "every target down from 5m; firing 5m later",
            h.up(a1, "1x19 0x40"),
            h.up(a2, "1x19 0x40"),
            pending("AIServiceNoData", "9m45s", {"severity": "critical"}),
            h.no_data_fires("10m"),
        ),
        RuleTest(
            "one of two targets down stays silent",
            h.up(a1, "1x40"),
            h.up(a2, "1x19 0x20"),
            silent("AIServiceNoData", "10m"),
        ),
        RuleTest(
            "$2.10 this hour against $1.00 the same hour yesterday; pending for 30m, firing, resolved",
            cost(f"0x59 1x{day - 1} 3.1x60"),
            pending("CostSpike", "1d1h", {"severity": "warning", "job": job}),
            h.cost_fires("1d1h30m", "2.10"),
            silent("CostSpike", "1d2h"),
            samples(cost_1h, "1d1h30m", {f'{cost_1h}{{job="{job}"}}': 2.1}),
            interval="1m", evaluation_interval="1m",
        ),
        RuleTest(
            "exactly twice the same hour yesterday stays silent",
            cost(f"0x59 1x{day - 1} 3x60"),
            silent("CostSpike", "1d1h"),
            interval="1m", evaluation_interval="1m",
        ),
    ]
