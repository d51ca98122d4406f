"""Unit tests of @PREFIX@.py, run by promtool (`make test`): each alert fires where it must and stays silent where
it must not, and the recording rule has the value it should. Series are written in promtool's expanding notation:
"0+30x40" is 0, 30, 60, ... 40 times, one sample per `interval`."""

# @EXAMPLE@ begin
from generator.rules import RuleTest, fires, pending, samples, series, silent

from ..settings import JOB

REQUESTS = f'@PREFIX@_requests_total{{job="{JOB}",instance="host:9090",operation="read"'
RATIO = "operation:@PREFIX@_requests_failed:ratio_rate5m"
# @EXAMPLE@ else
from generator.rules import RuleTest, fires, series, silent

from ..settings import JOB
# @EXAMPLE@ end

tests = [
    # @EXAMPLE@ begin
    RuleTest(
        "a fifth of the requests fail: pending, then firing after 5 minutes",
        series(REQUESTS + ',status="ok"}', "0+24x40"),
        series(REQUESTS + ',status="error"}', "0+6x40"),
        samples(RATIO, "10m", {RATIO + '{operation="read"}': 0.2}),
        pending("@CAMEL@ErrorsHigh", "3m", {"severity": "critical", "operation": "read"}),
        fires("@CAMEL@ErrorsHigh", "12m", {"severity": "critical", "operation": "read"},
              summary="read: 20% of requests fail",
              description="More than 5% of the read requests of @SERVICE@ failed over the last 5 minutes."),
        interval="30s",
    ),
    RuleTest(
        "one failure in fifty stays silent",
        series(REQUESTS + ',status="ok"}', "0+49x40"),
        series(REQUESTS + ',status="error"}', "0+1x40"),
        silent("@CAMEL@ErrorsHigh", "15m"),
        interval="30s",
    ),
    RuleTest(
        "no traffic at all stays silent (0/0 is no ratio)",
        series(REQUESTS + ',status="ok"}', "0+0x40"),
        series(REQUESTS + ',status="error"}', "0+0x40"),
        silent("@CAMEL@ErrorsHigh", "15m"),
        interval="30s",
    ),
    # @EXAMPLE@ end
    RuleTest(
        "a target down for 10 minutes",
        series(f'up{{job="{JOB}",instance="host:9090"}}', "1x5 0x30"),
        fires("@CAMEL@Down", "10m", {"severity": "critical", "job": JOB, "instance": "host:9090"},
              summary="host:9090 does not answer its scrapes",
              description=f"Prometheus has failed to scrape host:9090 of job {JOB} for 5 minutes."),
        interval="30s",
    ),
    RuleTest(
        "a target that answers stays silent",
        series(f'up{{job="{JOB}",instance="host:9090"}}', "1x40"),
        silent("@CAMEL@Down", "15m"),
        interval="30s",
    ),
]
