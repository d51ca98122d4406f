"""HighActiveRequests: the scenarios, written once for every naming.

A naming with an in-flight gauge is read at once; one without reads Little's law over the last 5 minutes
(inputs.in_flight), so a level that starts at 5m is read in full a window later (inputs.read), and a target that
goes away leaves the sum at once only as a gauge: those scenarios hold where the naming has one.
"""

from generator.rules import RuleTest, fires, pending, silent

from ...settings import JOB
from .inputs import A1, A2, GAUGE, in_flight, read, where

ALERT = "HighActiveRequests"
WARNING = {"severity": "warning", "job": JOB}
# The last evaluation before a level of 101 is read, and the last before its `for` has passed: a gauge is read at
# once, in Prometheus 2 and 3 alike. By Little's law, 3's left-open window drops the last 15 s at the old level one
# evaluation sooner than 2 (pending from 9m45s in 3, from 10m in 2), so the checks stand a step further off.
BEFORE, LAST_PENDING = ("4m45s", "9m45s") if GAUGE else ("4m30s", "9m30s")


def active_fires(at, value: str):
    return fires(ALERT, at, {"severity": "warning", "job": JOB},
                 summary=f"{value} AI requests in flight",
                 description=f"{value} requests are in flight across every instance of {JOB} (threshold 100): "
                             "requests pile up faster than providers answer.")


def scenarios() -> list[RuleTest]:
    return [
        RuleTest(
            "101 in flight across two instances from 5m; pending for 5m, then firing",
            in_flight(A1, (20, 50), (41, 60)),
            in_flight(A2, (20, 30), (41, 41)),
            silent(ALERT, read(BEFORE)),
            pending(ALERT, read("5m"), WARNING),
            pending(ALERT, read(LAST_PENDING), WARNING),
            active_fires(read("10m"), "101"),
        ),
        RuleTest(
            "exactly 100 in flight stays silent",
            in_flight(A1, (41, 60)),
            in_flight(A2, (41, 40)),
            silent(ALERT, "10m"),
        ),
        *where(
            GAUGE,  # a gauge that goes stale leaves the sum at once; a rate reads the window's samples still
            RuleTest(
                "a target going stale leaves the sum at once; under the threshold it resolves",
                in_flight(A1, (61, 60)),
                in_flight(A2, (41, 60), then="stale"),
                active_fires("10m", "120"),
                silent(ALERT, "10m15s"),
            ),
            RuleTest(
                "a target going stale while the others still exceed the threshold keeps it firing",
                in_flight(A1, (61, 110)),
                in_flight(A2, (41, 20), then="stale"),
                active_fires("10m", "130"),
                active_fires("10m15s", "110"),
            ),
        ),
    ]
