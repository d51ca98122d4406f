"""Adopting what a team already has: Grafana dashboards into Python modules (:mod:`.dashboard`, :mod:`.codegen`),
and a metric catalog from a running service or Prometheus (:mod:`.catalog`). The commands are in :mod:`.commands`.
"""
