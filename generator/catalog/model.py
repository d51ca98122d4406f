"""The catalog's objects: labels, metrics, the series Prometheus stores for them, and the catalog with its
indexes (each stored series; each name a user may write for a metric, for what the exporter really exposes)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

METRIC_TYPES = ("counter", "gauge", "histogram", "summary")
HISTOGRAM_SERIES_SUFFIXES = ("_bucket", "_sum", "_count")
SUMMARY_SERIES_SUFFIXES = ("_sum", "_count")
HISTOGRAM_FORMATS = ("classic", "native", "nhcb")  # how Prometheus stores a histogram (catalog key `histogram`)
OTLP_TRANSLATIONS = ("UnderscoreEscapingWithSuffixes", "NoUTF8EscapingWithSuffixes",
                     "UnderscoreEscapingWithoutSuffixes", "NoTranslation")


@dataclass(frozen=True)
class Label:
    name: str
    help: str = ""
    values: tuple[str, ...] = ()
    bound: int | None = None

    @property
    def cardinality(self) -> int:
        return len(self.values) if self.values else (self.bound or 0)


@dataclass(frozen=True)
class Metric:
    name: str
    type: str
    unit: str
    help: str
    labels: tuple[str, ...]
    buckets: tuple[float, ...] = ()
    source: str = "service"  # "prometheus" for series Prometheus writes itself (up, ALERTS, ...)
    file: str = ""
    # False for a counter its exporter exposes without `_total` (a Prometheus-text exporter older than
    # OpenMetrics, e.g. Ceph's `ceph_osd_op_r`); OpenTelemetry and OpenMetrics always add it.
    total_suffix: bool = True
    # Series per target as measured (catalog-import writes what it scraped); catalog/series-budget reads it
    # instead of the worst case of the labels' cardinalities. None when not measured.
    series: int | None = None
    histogram: str = "classic"  # HISTOGRAM_FORMATS; native and nhcb are stored as one series under the bare name

    @property
    def native(self) -> bool:
        """A histogram Prometheus stores as native histograms (exponential or custom buckets): no ``_bucket``."""
        return self.type == "histogram" and self.histogram != "classic"

    @property
    def series_names(self) -> tuple[str, ...]:
        """The names Prometheus stores for this metric (classic histograms expose three)."""
        if self.native:
            return (self.name,)
        if self.type == "histogram":
            return tuple(self.name + s for s in HISTOGRAM_SERIES_SUFFIXES)
        if self.type == "summary":
            return (self.name,) + tuple(self.name + s for s in SUMMARY_SERIES_SUFFIXES)
        return (self.name,)

    @property
    def largest_finite_bucket(self) -> float | None:
        finite = [b for b in self.buckets if math.isfinite(b)]
        return max(finite) if finite else None


@dataclass(frozen=True)
class Series:
    """One stored series name and what it is: ``http_request_duration_seconds_bucket`` is a counter with ``le``."""

    name: str
    metric: Metric
    type: str
    labels: tuple[str, ...]


@dataclass
class Catalog:
    scrape_interval: timedelta
    job: str
    metrics: dict[str, Metric]
    labels: dict[str, Label]
    forbidden_labels: tuple[str, ...] = ()
    target_labels: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    ingestion: str = "scrape"  # generator.bounds.INGESTIONS: scraped, or pushed over OTLP
    otlp_translation_strategy: str = ""  # OTLP_TRANSLATIONS, with ingestion "otlp"
    _series: dict[str, Series] = field(default_factory=dict, repr=False)
    # Each name a user may write for a metric (with or without ``_total`` and its unit suffix), to the first such
    # metric in catalog order.
    stems: dict[str, Metric] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for metric in self.metrics.values():
            base = metric.labels + self.target_labels
            if metric.native:  # a native histogram: rate() of it is a histogram, as of a counter
                self._series[metric.name] = Series(metric.name, metric, "counter", base)
            elif metric.type == "histogram":
                self._series[metric.name + "_bucket"] = Series(metric.name + "_bucket", metric, "counter",
                                                               base + ("le",))
                self._series[metric.name + "_sum"] = Series(metric.name + "_sum", metric, "counter", base)
                self._series[metric.name + "_count"] = Series(metric.name + "_count", metric, "counter", base)
            elif metric.type == "summary":
                self._series[metric.name] = Series(metric.name, metric, "gauge", base + ("quantile",))
                self._series[metric.name + "_sum"] = Series(metric.name + "_sum", metric, "counter", base)
                self._series[metric.name + "_count"] = Series(metric.name + "_count", metric, "counter", base)
            else:
                self._series[metric.name] = Series(metric.name, metric, metric.type, base)
            unit = f"_{metric.unit}" if metric.unit else ""
            plain = _strip(metric.name, "_total")
            for stem in (metric.name, plain, _strip(plain, unit)):
                self.stems.setdefault(stem, metric)
                if unit:
                    self.stems.setdefault(stem + unit, metric)

    def native_histogram_part(self, name: str) -> tuple[Metric, str] | None:
        """(the histogram, the suffix) when ``name`` is the ``_bucket``, ``_sum`` or ``_count`` series of a histogram
        the catalog declares native or NHCB, which Prometheus does not store."""
        for suffix in HISTOGRAM_SERIES_SUFFIXES:
            if name.endswith(suffix):
                metric = self.metrics.get(name[: -len(suffix)])
                if metric is not None and metric.native:
                    return metric, suffix
        return None

    def series(self, name: str) -> Series | None:
        """The stored series called ``name`` (``x_bucket`` of histogram ``x`` included), or None."""
        return self._series.get(name)

    @property
    def series_names(self) -> list[str]:
        return sorted(self._series)

    def exporter_name(self, name: str) -> str | None:
        """The series the exporter exposes for ``name`` written with a missing or extra ``_total``, unit or series
        suffix (``x_total`` of a histogram is its running total, ``x_sum``); None when no metric has that stem."""
        wanted_suffix = next((s for s in HISTOGRAM_SERIES_SUFFIXES if name.endswith(s)), "")
        metric = self.stems.get(_strip(_strip(name, wanted_suffix), "_total"))
        if metric is None:
            return None
        if metric.native:
            return metric.name
        if metric.type == "histogram":
            return metric.name + (wanted_suffix or ("_sum" if name.endswith("_total") else "_bucket"))
        if metric.type == "summary" and wanted_suffix in SUMMARY_SERIES_SUFFIXES:
            return metric.name + wanted_suffix
        return metric.name


def _strip(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if suffix and name.endswith(suffix) else name
