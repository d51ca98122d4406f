"""Unit tests of assistant.py."""

from assistant.settings import JOB

from generator.rules import RuleTest, fires, pending, samples, series, silent

CALLS = f'assistant_calls_total{{job="{JOB}",instance="a:1",operation="answer"'

tests = [
    RuleTest(
        "a fifth of the answers fail: firing after 5m",
        series(CALLS + ',outcome="ok"}', "0+24x40"),
        series(CALLS + ',outcome="failed"}', "0+6x40"),
        samples("operation:assistant_calls_failed:ratio_rate5m", "10m",
                {'operation:assistant_calls_failed:ratio_rate5m{operation="answer"}': 0.2}),
        fires("AssistantFailing", "10m", {"severity": "critical", "operation": "answer"},
              summary="answer: 20% of calls fail",
              description="More than 10% of the answer calls failed over 5 minutes."),
        interval="30s", evaluation_interval="30s",
    ),
    RuleTest(
        "one failure in ten stays silent",
        series(CALLS + ',outcome="ok"}', "0+27x40"),
        series(CALLS + ',outcome="failed"}', "0+3x40"),
        silent("AssistantFailing", "15m"),
        interval="30s", evaluation_interval="30s",
    ),
    RuleTest(
        "a long queue for 10 minutes",
        series(f'assistant_queued_calls{{job="{JOB}",instance="a:1"}}', "25x40"),
        fires("AssistantQueueLong", "11m", {"severity": "warning", "job": JOB},
              summary="25 calls queued",
              description="More than 20 calls have waited for a worker for 10 minutes."),
        pending("AssistantQueueLong", "9m", {"severity": "warning", "job": JOB}),
        interval="30s", evaluation_interval="30s",
    ),
    RuleTest(
        "exactly 20 queued stays silent",
        series(f'assistant_queued_calls{{job="{JOB}",instance="a:1"}}', "20x40"),
        silent("AssistantQueueLong", "15m"),
        interval="30s", evaluation_interval="30s",
    ),
]
