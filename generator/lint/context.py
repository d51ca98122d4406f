"""What every check may ask: the catalog, the series recording rules define, the known dashboards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ..catalog import Catalog, Metric
from .labels import LabelInference
from .promql import Aggregate, Binary, Call, Node, Selector, is_scalar, unwrap, walk

# Series Prometheus writes itself; known even when the catalog does not declare them. None: any labels.
PROMETHEUS_SERIES = {
    "up": ("gauge", ()),
    "scrape_duration_seconds": ("gauge", ()),
    "scrape_samples_scraped": ("gauge", ()),
    "scrape_samples_post_metric_relabeling": ("gauge", ()),
    "scrape_series_added": ("gauge", ()),
    "ALERTS": ("gauge", None),
    "ALERTS_FOR_STATE": ("gauge", None),
}


@dataclass(frozen=True)
class SeriesInfo:
    name: str
    type: str  # counter, gauge (recorded series are gauges unless they hold a raw counter)
    labels: frozenset | None  # None: unknown
    metric: Metric | None = None  # the catalog metric (None for recorded and Prometheus' own series)
    recorded: bool = False
    quantile_of: Metric | None = None  # recorded histogram_quantile of this histogram
    ratio: bool = False  # recorded as a division


@dataclass
class Context:
    catalog: Catalog
    dashboard_uids: set[str] = field(default_factory=set)
    uids_complete: bool = True  # False when linting files: other dashboards may exist
    recordings: dict[str, object] = field(default_factory=dict)  # record name -> Rule (with .query)
    # promql/unknown-metric's suggestion for each unknown name, found once per run (a name recurs in many queries)
    suggestions: dict[str, str | None] = field(default_factory=dict)
    _cache: dict[str, SeriesInfo | None] = field(default_factory=dict)
    _resolving: set[str] = field(default_factory=set)

    @property
    def scrape_interval(self) -> timedelta:
        return self.catalog.scrape_interval

    def label_values(self, label: str) -> tuple[str, ...]:
        spec = self.catalog.labels.get(label)
        return spec.values if spec else ()

    def series(self, name: str | None) -> SeriesInfo | None:
        if not name:
            return None
        if name in self._cache:
            return self._cache[name]
        info = self._lookup(name)
        if name not in self._resolving:
            self._cache[name] = info
        return info

    def meant(self, name: str | None) -> SeriesInfo | None:
        """The series ``name`` stands for: itself when known, else the series the exporter exposes under that stem
        (``x_duration_bucket`` for ``x_duration_seconds_bucket``), so that a misnamed query is still checked for
        what it does with the metric (promql/unknown-metric reports the name)."""
        info = self.series(name)
        if info is not None or not name or ":" in name:
            return info
        exposed = self.catalog.exporter_name(name)
        return self.series(exposed) if exposed else None

    def _lookup(self, name: str) -> SeriesInfo | None:
        s = self.catalog.series(name)
        if s is not None:
            return SeriesInfo(name, s.type, frozenset(s.labels), s.metric)
        if name in self.recordings:
            return self._recorded(name)
        if name in PROMETHEUS_SERIES:
            kind, labels = PROMETHEUS_SERIES[name]
            target = frozenset(self.catalog.target_labels)
            # Relabelling adds target labels (cluster, namespace, ...): known only when the catalog declares them.
            known = labels is not None and target
            return SeriesInfo(name, kind, frozenset(labels) | target if known else None)
        return None

    def _recorded(self, name: str) -> SeriesInfo | None:
        rule = self.recordings[name]
        query = rule.query
        if name in self._resolving:  # a cycle (old-to-new and new-to-old renames): give up on its labels
            return SeriesInfo(name, "counter", None, recorded=True)  # type unknown: never flagged as a gauge
        self._resolving.add(name)
        try:
            if query is None or query.node is None:
                return SeriesInfo(name, "gauge", None, recorded=True)
            labels = LabelInference(self.series)(query.node)
            static = frozenset(str(k) for k in rule.mapping("labels"))
            if labels is not None:
                labels = (labels - {"__name__"}) | static
            node = unwrap(query.node)
            return SeriesInfo(name, "counter" if self._holds_raw_counter(node, name) else "gauge", labels,
                              recorded=True, quantile_of=self.quantile_metric(node),
                              ratio=isinstance(node, Binary) and node.op == "/")
        finally:
            self._resolving.discard(name)

    def _holds_raw_counter(self, node: Node, name: str = "") -> bool:
        """``sum by (x) (counter_total)`` records a counter; anything with a function or arithmetic does not. A
        rename of a series of unknown type (compatibility rules) may be a counter, so it is taken as one, and so is a
        counter scaled by a constant or relabelled (label_replace, label_join)."""
        node = unwrap(node)
        while True:  # through sum/max/min and scaling by a constant (`x_ms / 1000` is still a counter)
            if isinstance(node, Aggregate) and node.op in ("sum", "max", "min"):
                node = unwrap(node.expr)
            elif isinstance(node, Binary) and node.op in ("*", "/") and is_scalar(node.rhs):
                node = unwrap(node.lhs)
            elif isinstance(node, Binary) and node.op == "*" and is_scalar(node.lhs):
                node = unwrap(node.rhs)
            elif isinstance(node, Call) and node.func in ("label_replace", "label_join") and node.args:
                node = unwrap(node.args[0])  # relabelled, still the same counter
            else:
                break
        if isinstance(node, Selector):
            info = self.series(node.name)
            return info.type == "counter" if info is not None else True  # unknown: may be one, never flag it
        return False

    def quantile_metric(self, node: Node) -> Metric | None:
        """The histogram a ``histogram_quantile`` (possibly wrapped in max/topk/...) reads, or a recorded one."""
        node = unwrap(node)
        while isinstance(node, Aggregate) and node.op in ("max", "min", "avg", "topk", "bottomk", "sum"):
            node = unwrap(node.expr)
        if isinstance(node, Call) and node.func == "histogram_quantile" and len(node.args) == 2:
            for n in walk(node.args[1]):
                if isinstance(n, Selector):
                    info = self.meant(n.name)
                    if info is not None and info.metric is not None and info.metric.type == "histogram":
                        return info.metric
            return None
        if isinstance(node, Selector):
            info = self.series(node.name)
            return info.quantile_of if info is not None else None
        return None
