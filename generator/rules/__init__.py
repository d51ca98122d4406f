"""Alerting and recording rules as Python objects, and their unit tests, proven with promtool.

- :mod:`.model`: ``Alert``, ``Recording`` and ``RuleGroup``, what a rules module declares;
- :mod:`.render`: rule groups to the Prometheus rule file, with its source map;
- :mod:`.scenarios`: ``RuleTest`` and its helpers (``series``, ``histogram``, ``fires``, ``silent``, ``pending``,
  ``samples``), what a ``<module>_tests.py`` beside it declares, compiled to promtool's test format;
- :mod:`.coverage`: which rule lacks the scenarios it needs;
- :mod:`.promtool`: running Prometheus' ``promtool``;
- :mod:`.testrun`: ``python -m generator test-rules``, every scenario through promtool, one report.

Content imports the objects from here: ``from generator.rules import Alert, RuleGroup, RuleTest, fires``.
"""

from .model import Alert, Recording, RuleGroup
from .scenarios import RuleTest, fires, histogram, pending, samples, series, silent

__all__ = ["Alert", "Recording", "RuleGroup", "RuleTest", "fires", "histogram", "pending", "samples", "series",
           "silent"]
