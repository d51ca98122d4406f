"""Unit tests of the rules generated in slos.py, generated from the same objectives (generator.rules.slo_tests):
for every burn-rate alert, a burn just above and just under its factor, no traffic, a restart, partial windows
at start-up and the moments its long and short windows cross, each window exactly at its factor while the other
is above it, an overspent budget; for every objective, the recorded values, over 45 days too.
Compiled to generated/rules/slos.test.yml and slos.every-<interval>.test.yml.
"""

from generator.rules import slo_tests

from .slos import SEVERITIES, objectives

tests = slo_tests(objectives, severities=SEVERITIES)
