"""The metric catalog loader: what the service really exposes, read from YAML into :mod:`.model`'s objects.

A catalog directory holds one or more ``*.yml`` files; their ``labels:`` and ``metrics:`` are merged and the
settings (``scrape_interval``, ``job``, ``forbidden_labels``, ``target_labels``) may appear in any one of them.
Every mistake is reported with the file, the metric and what is wrong, all at once; a catalog that parses is then
held to its gates (:mod:`.gates`), the semantic rules the linter reports under the same check names.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import yaml

from .. import durations, yamlload
from ..errors import CatalogError, failed
from ..problems import Place, Problem
from . import schema
from .gates import gate_findings
from .model import HISTOGRAM_FORMATS, METRIC_TYPES, OTLP_TRANSLATIONS, Catalog, Label, Metric


def load_catalog(path: str) -> Catalog:
    """Load a catalog from a directory of ``*.yml`` files or from one file; raise CatalogError listing every mistake."""
    if os.path.isdir(path):
        files = sorted(
            os.path.join(path, f) for f in os.listdir(path) if f.endswith((".yml", ".yaml")) and not f.startswith(".")
        )
        if not files:
            raise failed(CatalogError, "invalid metric catalog", [
            Problem("catalog/not-found", "error", "no catalog files (*.yml) in this directory", Place(path))])
    elif os.path.isfile(path):
        files = [path]
    else:
        raise failed(CatalogError, "invalid metric catalog", [
            Problem("catalog/not-found", "error", "catalog not found", Place(path))])
    return _Loader(files).load()


class _Loader:
    def __init__(self, files: list[str]):
        self.files = files
        self.problems: list[Problem] = []
        self.settings: dict[str, tuple[str, object]] = {}
        self.labels: dict[str, tuple[str, Label]] = {}
        self.raw_metrics: list[tuple[str, str, dict]] = []

    def error(self, file: str, where: str, message: str, *, line: int | None = None,
              check: str = "catalog/invalid") -> None:
        if line is None and where.startswith(("metric ", "label ")):
            line = metric_lines(file).get(where.split(" ", 1)[1])
        self.problems.append(Problem(check, "error", message, Place(file, line, (where,) if where else ())))

    def load(self) -> Catalog:
        for file in self.files:
            self._read(file)
        catalog = self._assemble()
        if not self.problems:  # the semantic rules shared with the linter: gates.py
            self.problems += self._gate_problems(catalog)
        if self.problems:
            raise failed(CatalogError, "invalid metric catalog", self.problems)
        return catalog

    def _gate_problems(self, catalog: Catalog) -> list[Problem]:
        """What the gates find, each at its metric's line (the place the linter gives it too)."""
        lines: dict[str, dict[str, int]] = {}
        problems = []
        for check, metric, message in gate_findings(catalog):
            file = metric.file or (catalog.files[0] if catalog.files else "")
            if file not in lines:
                lines[file] = metric_lines(file)
            line = lines[file].get(metric.name)
            problems.append(Problem(check, "error", message,
                                    Place(file, line, (f"metric {metric.name}",), order=(line or 0,))))
        return sorted(problems, key=Problem.sort_key)

    def _read(self, file: str) -> None:
        try:
            with open(file, encoding="utf-8") as fh:
                doc = yamlload.safe_load(fh)
        except (OSError, UnicodeDecodeError) as e:
            self.error(file, "", f"cannot read: {e}", check="catalog/unreadable")
            return
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            self.error(file, "", f"not valid YAML: {getattr(e, 'problem', e)}", line=mark.line + 1 if mark else None,
                       check="catalog/unreadable")
            return
        if doc is None:
            return
        if not isinstance(doc, dict):
            self.error(file, "", "expected a mapping with `metrics:` and `labels:` at the top level")
            return
        known = set(schema.SETTINGS)
        for key in doc:
            if key not in known:
                self.error(file, "", f"unknown top-level key {key!r} (expected one of {', '.join(sorted(known))})")
        for key in ("scrape_interval", "job", "forbidden_labels", "target_labels", "ingestion",
                    "otlp_translation_strategy"):
            if key in doc:
                if key in self.settings:
                    self.error(file, key, f"already set in {self.settings[key][0]}")
                self.settings[key] = (file, doc[key])
        labels = doc.get("labels") or {}
        if not isinstance(labels, dict):
            self.error(file, "labels", "expected a mapping of label name to {values: [...]} or {bound: N}")
            labels = {}
        for name, spec in labels.items():
            self._read_label(file, str(name), spec)
        metrics = doc.get("metrics") or {}
        if not isinstance(metrics, dict):
            self.error(file, "metrics", "expected a mapping of metric name to its definition")
            metrics = {}
        for name, spec in metrics.items():
            self.raw_metrics.append((file, str(name), spec))

    def _read_label(self, file: str, name: str, spec: object) -> None:
        where = f"label {name}"
        if name in self.labels:
            self.error(file, where, f"duplicate label, already declared in {self.labels[name][0]}")
            return
        if not isinstance(spec, dict):
            self.error(file, where, "expected a mapping with `values: [...]` or `bound: N`")
            return
        values = spec.get("values")
        bound = spec.get("bound")
        if values is None and bound is None:
            self.error(file, where, "declares neither `values` nor `bound`; list its allowed values or bound its count")
            return
        if values is not None and (not isinstance(values, list) or not values):
            self.error(file, where, "`values` must be a non-empty list")
            return
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int) or bound < 1):
            self.error(file, where, "`bound` must be a positive integer")
            return
        vals = tuple(str(v) for v in values or ())
        if len(set(vals)) != len(vals):
            self.error(file, where, "`values` lists a value twice")
        self.labels[name] = (file, Label(name, str(spec.get("help", "")), vals, bound))

    def _assemble(self) -> Catalog:
        interval = timedelta(seconds=15)
        if "scrape_interval" in self.settings:
            file, raw = self.settings["scrape_interval"]
            try:
                interval = durations.parse(str(raw))
            except ValueError:
                self.error(file, "scrape_interval", f"{raw!r} is not a duration like 15s or 1m")
        forbidden = self._names_setting("forbidden_labels")
        target = self._names_setting("target_labels")
        job = str(self.settings["job"][1]) if "job" in self.settings else ""
        ingestion, translation = self._ingestion()

        for name in forbidden:
            if name in self.labels:
                self.error(self.labels[name][0], f"label {name}",
                           "is a forbidden label (see `forbidden_labels`); remove it")

        metrics: dict[str, Metric] = {}
        seen_series: dict[str, str] = {}
        for file, name, spec in self.raw_metrics:
            metric = self._metric(file, name, spec, forbidden, target)
            if metric is None:
                continue
            if name in metrics:
                self.error(file, f"metric {name}", f"duplicate metric, already declared in {metrics[name].file}")
                continue
            for series in metric.series_names:
                if series in seen_series:
                    self.error(file, f"metric {name}",
                               f"exposes series {series}, which metric {seen_series[series]} exposes too")
                seen_series[series] = name
            metrics[name] = metric
        return Catalog(
            scrape_interval=interval,
            job=job,
            metrics=metrics,
            labels={n: label for n, (_, label) in self.labels.items()},
            forbidden_labels=forbidden,
            target_labels=target,
            files=tuple(self.files),
            ingestion=ingestion,
            otlp_translation_strategy=translation,
        )

    def _ingestion(self) -> tuple[str, str]:
        ingestion, translation = "scrape", ""
        if "ingestion" in self.settings:
            file, raw = self.settings["ingestion"]
            if raw in ("scrape", "otlp"):
                ingestion = raw
            else:
                self.error(file, "ingestion", f"unknown ingestion {raw!r}; expected scrape or otlp")
        if "otlp_translation_strategy" in self.settings:
            file, raw = self.settings["otlp_translation_strategy"]
            if ingestion != "otlp":
                self.error(file, "otlp_translation_strategy", "is for `ingestion: otlp`")
            elif raw not in OTLP_TRANSLATIONS:
                self.error(file, "otlp_translation_strategy",
                           f"unknown strategy {raw!r}; expected one of {', '.join(OTLP_TRANSLATIONS)}")
            else:
                translation = raw
        elif ingestion == "otlp":
            translation = OTLP_TRANSLATIONS[0]  # Prometheus' default
        return ingestion, translation

    def _names_setting(self, key: str) -> tuple[str, ...]:
        if key not in self.settings:
            return ()
        file, raw = self.settings[key]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            self.error(file, key, "expected a list of label names")
            return ()
        return tuple(raw)

    def _metric(self, file, name, spec, forbidden, target) -> Metric | None:
        where = f"metric {name}"
        if not isinstance(spec, dict):
            self.error(file, where, "expected a mapping with type, unit, help and labels")
            return None
        ok = True
        known = set(schema.METRIC)
        for key in spec:
            if key not in known:
                self.error(file, where, f"unknown key {key!r} (expected one of {', '.join(sorted(known))})")
                ok = False
        mtype = spec.get("type")
        if mtype not in METRIC_TYPES:
            self.error(file, where, f"unknown type {mtype!r}; expected one of {', '.join(METRIC_TYPES)}")
            ok = False
        if "help" not in spec or not str(spec.get("help") or "").strip():
            self.error(file, where, "has no `help`; say what it counts or measures")
            ok = False
        if "unit" not in spec:
            self.error(file, where, "has no `unit` (use \"\" for a dimensionless value)")
            ok = False
        labels = spec.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            self.error(file, where, "`labels` must be a list of label names")
            ok = False
            labels = []
        for label in labels:
            if label in forbidden:
                self.error(file, where, f"uses forbidden label {label!r}; unbounded labels explode the series count")
                ok = False
            elif label not in self.labels:
                self.error(file, where,
                           f"uses label {label!r}, which is not declared under `labels:` with values or a bound")
                ok = False
            elif label in target:
                self.error(file, where, f"lists {label!r}, which Prometheus adds itself; drop it")
                ok = False
        if len(set(labels)) != len(labels):
            self.error(file, where, "lists a label twice")
            ok = False
        buckets = spec.get("buckets")
        histogram = spec.get("histogram", "classic")
        if histogram not in HISTOGRAM_FORMATS:
            self.error(file, where, f"unknown histogram {histogram!r}; expected one of {', '.join(HISTOGRAM_FORMATS)}")
            ok = False
        elif histogram != "classic" and mtype != "histogram":
            self.error(file, where, f"has `histogram: {histogram}` but is a {mtype}")
            ok = False
        if mtype == "histogram" and histogram == "native":
            if buckets is not None:
                self.error(file, where, "is a native histogram (exponential buckets) with `buckets`; drop them, "
                                        "or declare `histogram: nhcb` for classic buckets stored natively")
                ok = False
        elif mtype == "histogram":
            if not buckets:
                self.error(file, where, "is a histogram without `buckets`; list its bucket upper bounds")
                ok = False
            elif not isinstance(buckets, list) or \
                    not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in buckets):
                self.error(file, where, "`buckets` must be a list of numbers")
                ok = False
            elif list(buckets) != sorted(set(buckets)):
                self.error(file, where, "`buckets` must be strictly increasing")
                ok = False
        elif buckets is not None:
            self.error(file, where, f"has `buckets` but is a {mtype}; only histograms have buckets")
            ok = False
        if "le" in labels or "quantile" in labels:
            self.error(file, where, "lists `le` or `quantile`; histograms and summaries add them")
            ok = False
        total_suffix = spec.get("total_suffix", True)
        if not isinstance(total_suffix, bool) or (not total_suffix and mtype != "counter"):
            self.error(file, where, "`total_suffix: false` is for a counter its exporter exposes without `_total`")
            ok = False
        series = spec.get("series")
        if series is not None and (not isinstance(series, int) or isinstance(series, bool) or series < 0):
            self.error(file, where, "`series` must be a whole number: the series per target, as measured")
            ok = False
        source = spec.get("source", "service")
        if source not in ("service", "prometheus"):
            self.error(file, where, f"unknown source {source!r}; expected service or prometheus")
            ok = False
        if not ok:
            return None
        return Metric(
            name=name,
            type=mtype,
            unit=str(spec.get("unit") or ""),
            help=str(spec["help"]).strip(),
            labels=tuple(labels),
            buckets=tuple(float(b) for b in buckets or ()),
            source=source,
            file=file,
            total_suffix=bool(total_suffix),
            series=series,
            histogram=histogram if isinstance(histogram, str) else "classic",
        )


# A key is a name (dotted UTF-8 names included, as OTLP's NoUTF8EscapingWithSuffixes writes them), bare or quoted.
_METRIC_LINE = re.compile(r"""^\s+(?:"([^"]+)"|'([^']+)'|([A-Za-z_:][\w:.]*)):(\s|$)""")


def metric_lines(file: str) -> dict[str, int]:
    """The line of each indented ``name:`` key of a catalog file (metrics and labels), for problems' places."""
    found: dict[str, int] = {}
    try:
        with open(file, encoding="utf-8") as fh:
            for number, text in enumerate(fh, 1):
                m = _METRIC_LINE.match(text)
                name = m and (m.group(1) or m.group(2) or m.group(3))
                if name and name not in found:
                    found[name] = number
    except (OSError, UnicodeDecodeError):
        pass
    return found
