"""catalog/bucket-scale-mismatch: a histogram whose bucket bounds are on another scale than its unit.

What it catches:
    A histogram in seconds whose bucket bounds are all 1 or more and reach 1000 or more: milliseconds declared as
    seconds, as the OpenTelemetry SDKs' default boundaries (0, 5, 10, 25, ... 7500, 10000) are when an instrument
    in seconds keeps them. And a histogram in milliseconds whose bounds all stay under 10: seconds declared as
    milliseconds.

Why it matters:
    histogram_quantile can only interpolate inside a bucket. With bounds 0, 5, 10 ... in seconds, every request
    under 5 s lands in the first bucket, so P50, P95 and P99 of a healthy service all read somewhere between 0 and
    5 s whatever the truth, and a latency alert at 2 s can never be right. Set the instrument's boundaries in
    seconds (an explicit-bucket View in the SDK), then declare those.

Failing example:
    llm_request_duration_seconds:
      type: histogram
      unit: seconds
      help: LLM request duration.
      buckets: [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]

Passing example:
    llm_request_duration_seconds:
      type: histogram
      unit: seconds
      help: LLM request duration.
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
"""

from ..problem import Hit

NAME = "catalog/bucket-scale-mismatch"
SEVERITY = "warning"
ENTRY = "catalog"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`


def check(entry, ctx):
    for metric in entry.catalog.metrics.values():
        if metric.type != "histogram":
            continue
        positive = [b for b in metric.buckets if b > 0 and b != float("inf")]
        if not positive:
            continue
        low, high = min(positive), max(positive)
        if metric.unit == "seconds" and low >= 1 and high >= 1000:
            yield Hit(f"{metric.name} is in seconds but its buckets run from {low:g} to {high:g}, a scale of "
                      f"milliseconds: every quantile under {low:g} s is read from the first bucket and means "
                      "nothing; give the instrument bucket boundaries in seconds (an SDK View) and declare them",
                      at=entry.metric_at(metric))
        elif metric.unit == "milliseconds" and high < 10:
            yield Hit(f"{metric.name} is in milliseconds but its buckets stop at {high:g}, a scale of seconds: "
                      f"every observation over {high:g} ms falls in +Inf; give the instrument bucket boundaries in "
                      "milliseconds and declare them", at=entry.metric_at(metric))
