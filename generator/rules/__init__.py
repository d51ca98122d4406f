"""Alerting and recording rules as Python objects, and their unit tests, proven with promtool.

- :mod:`.model`: ``Alert``, ``Recording`` and ``RuleGroup``, what a rules module declares;
- :mod:`.render`: rule groups to the Prometheus rule file, with its source map;
- :mod:`.scenarios`: ``RuleTest`` and its helpers (``series``, ``histogram``, ``fires``, ``silent``, ``pending``,
  ``samples``, ``rounded``), what a ``<module>_tests.py`` beside it declares, compiled to promtool's test format;
- :mod:`.slo`, :mod:`.slo_rules`, :mod:`.slo_tests`, :mod:`.slo_edges`, :mod:`.slo_inputs`: availability and
  latency objectives and spend budgets, their burn-rate rules and the scenarios that test them (and their inputs);
- :mod:`.coverage`: which rule lacks the scenarios it needs;
- :mod:`.promtool`: running Prometheus' ``promtool``;
- :mod:`.testrun`: ``python -m generator test-rules``, every scenario through promtool, one report.

Content imports the objects from here: ``from generator.rules import Alert, RuleGroup, RuleTest, fires``.
"""

from .model import Alert, Recording, RuleGroup
from .scenarios import RuleTest, fires, histogram, pending, reads_exactly, rounded, samples, series, silent
from .slo import Availability, Latency, SpendBudget
from .slo_rules import slo_groups
from .slo_tests import slo_tests

__all__ = ["Alert", "Availability", "Latency", "Recording", "RuleGroup", "RuleTest", "SpendBudget", "fires",
           "histogram", "pending", "reads_exactly", "rounded", "samples", "series", "silent", "slo_groups", "slo_tests"]
