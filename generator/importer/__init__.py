"""Adopting what a team already has: Grafana dashboards into Python modules (:mod:`.dashboard`, :mod:`.fit`,
:mod:`.codegen`, written out by :mod:`.pysource`), and a metric catalog from a running service or Prometheus
(:mod:`.catalog`). The commands are in :mod:`.commands`.
"""
