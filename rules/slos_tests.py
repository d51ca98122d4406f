"""Unit tests of the rules generated in slos.py, generated from the same objectives (generator.rules.slo_tests):
for every burn-rate alert, a burn just above and just under its factor, no traffic, a restart, partial windows
at start-up and the moments its long and short windows cross, each window exactly at its factor while the other
is above it, an overspent budget; for every objective, the recorded values, over 45 days too.
Compiled to generated/rules/slos.test.yml and slos.every-<interval>.test.yml.
"""

from generator.rules import slo_tests

from .slos import SEVERITIES, objectives

# The first-token objective's rules are the latency objective's, written by the same code for another histogram
# (generator.rules.slo_rules): its edge scenarios would prove that code again, at a third more of the rule tests'
# time. It keeps what pins its own numbers: each window's factor (a burn from start-up fires, one just under the
# factor stays silent) and its recorded values.
KEEP = ("from start-up", "just under", "every recorded value", "45 days")
tests = [t for t in slo_tests(objectives, severities=SEVERITIES)
         if not t.name.startswith("first-token") or any(k in t.name for k in KEEP)]
