"""Monitoring as code for AI services: a metric catalog, dashboards and rules in Python, compiled and checked."""

__version__ = "0.1.0"
