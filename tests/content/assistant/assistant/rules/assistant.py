"""The assistant's recording rule and alerts."""

from assistant.settings import HOME, JOB, MAX_FAILED_SHARE, MAX_QUEUED

from generator.rules import Alert, Recording, RuleGroup

groups = [
    RuleGroup("assistant", [
        Recording("operation:assistant_calls_failed:ratio_rate5m", """
            sum by (operation) (rate(assistant_calls_total{outcome="failed"}[5m]))
            /
            sum by (operation) (rate(assistant_calls_total[5m]))
        """),
        Alert(
            "AssistantFailing",
            f"""
            operation:assistant_calls_failed:ratio_rate5m > {MAX_FAILED_SHARE}
            and on (operation)
            sum by (operation) (rate(assistant_calls_total[5m])) >= 0.1
            """,
            for_="5m",
            severity="critical",
            summary="{{ $labels.operation }}: {{ $value | humanizePercentage }} of calls fail",
            description=f"More than {MAX_FAILED_SHARE:.0%} of the {{{{ $labels.operation }}}} calls failed over 5 "
                        "minutes.",
            dashboard=HOME,
        ),
        Alert(
            "AssistantQueueLong",
            f"""
            sum by (job) (assistant_queued_calls{{job="{JOB}"}}) > {MAX_QUEUED}
            """,
            for_="10m",
            severity="warning",
            summary="{{ $value }} calls queued",
            description=f"More than {MAX_QUEUED} calls have waited for a worker for 10 minutes.",
            dashboard=HOME,
        ),
    ]),
]
