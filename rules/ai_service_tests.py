"""Unit tests of the rules in ai_service.py, run by promtool (`make test-rules`).

Each RuleTest is a scenario (generator.rules.scenarios): input series and what must hold. Every alert needs one
where it fires and one where it stays silent, every recording rule one that checks its value (`make test-rules`
fails otherwise), and every threshold, `for`, comparison and window must be pinned tightly enough that changing it
fails a scenario (tests/test_rule_mutants.py).

The scenarios live in rules/scenarios/, one module per alert (with the records it reads), written once for every
metric naming: rules/scenarios/inputs.py writes their input series in the names of the naming chosen (naming.py).
An alert the naming has no signal for is not compiled (ai_service.py), and its scenarios are left out here.

Compiled to generated/rules/ai_service.test.yml (every 15 s, the scrape interval) and, for the cost scenarios
that need a day of history, ai_service.every-1m.test.yml.
"""

from ..naming import N
from .scenarios import (
    ai_component_down,
    ai_service_no_data,
    cost_spike,
    high_active_requests,
    high_error_rate,
    high_latency,
    slow_first_token,
)

BY_ALERT = [high_error_rate, high_latency, slow_first_token, high_active_requests, ai_service_no_data,
            ai_component_down, cost_spike]

tests = [test for alert in BY_ALERT if alert.ALERT not in N.alerts_without_signal
         and (alert is not slow_first_token or N.has("first_token_bucket")) for test in alert.scenarios()]
