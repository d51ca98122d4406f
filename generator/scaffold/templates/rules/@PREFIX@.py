"""The recording rule and alerts of @SERVICE@.

A rules module assigns `groups`, a list of `RuleGroup`. Every alert has a runbook, docs/runbooks/<Alert>.md,
and scenarios in @PREFIX@_tests.py beside this file: one where it fires and one where it stays silent.
"""

# @EXAMPLE@ begin
from generator.rules import Alert, Recording, RuleGroup

from ..settings import JOB, MAX_ERROR_RATIO, MIN_REQUESTS_PER_SECOND, OVERVIEW
# @EXAMPLE@ else
from generator.rules import Alert, RuleGroup

from ..settings import JOB, OVERVIEW
# @EXAMPLE@ end

groups = [
    RuleGroup("@PREFIX@", [
        # @EXAMPLE@ begin
        Recording("operation:@PREFIX@_requests_failed:ratio_rate5m", f"""
            sum by (operation) (rate(@PREFIX@_requests_total{{job="{JOB}",status="error"}}[5m]))
            /
            sum by (operation) (rate(@PREFIX@_requests_total{{job="{JOB}"}}[5m]))
        """),
        Alert(
            "@CAMEL@ErrorsHigh",
            f"""
            operation:@PREFIX@_requests_failed:ratio_rate5m > {MAX_ERROR_RATIO}
            and on (operation)
            sum by (operation) (rate(@PREFIX@_requests_total{{job="{JOB}"}}[5m])) >= {MIN_REQUESTS_PER_SECOND}
            """,
            for_="5m",
            severity="critical",
            summary="{{ $labels.operation }}: {{ $value | humanizePercentage }} of requests fail",
            description=f"More than {MAX_ERROR_RATIO:.0%} of the {{{{ $labels.operation }}}} requests of @SERVICE@ "
                        "failed over the last 5 minutes.",
            dashboard=OVERVIEW,
        ),
        # @EXAMPLE@ end
        Alert(
            "@CAMEL@Down",
            f'up{{job="{JOB}"}} == 0',
            for_="5m",
            severity="critical",
            summary="{{ $labels.instance }} does not answer its scrapes",
            description="Prometheus has failed to scrape {{ $labels.instance }} of job {{ $labels.job }} for 5 "
                        "minutes.",
            dashboard=OVERVIEW,
        ),
    ]),
]
