"""The metric catalog: what the service really exposes, loaded from YAML into plain Python objects. A leaf of the
engine: it parses and validates its own data (:mod:`.load`, with its semantic rules in :mod:`.gates`) and imports
nothing of the linter."""

from .load import load_catalog, metric_lines
from .model import (
    HISTOGRAM_SERIES_SUFFIXES,
    METRIC_TYPES,
    SUMMARY_SERIES_SUFFIXES,
    Catalog,
    Label,
    Metric,
    Series,
)

__all__ = ["HISTOGRAM_SERIES_SUFFIXES", "METRIC_TYPES", "SUMMARY_SERIES_SUFFIXES", "Catalog", "Label", "Metric",
           "Series", "load_catalog", "metric_lines"]
