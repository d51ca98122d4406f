"""A naming pushed over OTLP to Prometheus 3's receiver: its catalog as the receiver stores it.

A naming's table in ``[tool.generator.namings.<name>]`` (or ``[tool.generator]``) says ``ingestion = "otlp"`` and
``otlp_translation_strategy = "..."``, the receiver's ``otlp.translation_strategy``. The catalog stays written as
the OpenTelemetry Prometheus exporter names the metrics (a scrape of the same service), and the names the receiver
stores follow from two things only: the instrument and attribute names the service records (the traffic file's
``otel:`` section, which the workload records through the real SDK) and the strategy. Read from Prometheus
3.13.5's ``storage/remote/otlptranslator`` and proven by tests/test_live_otlp.py:

- ``UnderscoreEscapingWithSuffixes`` (the default): the exporter's names exactly, ``.`` escaped as ``_``, unit and
  type suffixes added (``gen_ai_client_operation_duration_seconds_bucket``);
- ``NoUTF8EscapingWithSuffixes``: the instrument's name with its dots, then the same suffixes
  (``gen_ai.client.operation.duration_seconds_bucket``); attributes keep their dots (``gen_ai.operation.name``);
- either way: no ``otel_scope_*`` labels (``promote_scope_metadata`` is off by default), no ``up`` or
  ``scrape_*`` series (nothing is scraped), ``target_info`` from the resource without the attributes that become
  ``job`` and ``instance`` (``service.name``, ``service.namespace``, ``service.instance.id``), and ``le`` spelt
  as a plain decimal (:mod:`generator.bounds`).

So the dotted catalog is derived, never copied: one catalog and one traffic file serve the scrape and both
translations, and a metric added to them is there under every naming. The strategies without suffixes
(``UnderscoreEscapingWithoutSuffixes``, ``NoTranslation``) change what a name means (no ``_total``), so a naming
that uses them writes its catalog in the stored names instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .catalog import Catalog, load_catalog
from .catalog.model import OTLP_TRANSLATIONS
from .errors import GeneratorError

DERIVED = ("UnderscoreEscapingWithSuffixes", "NoUTF8EscapingWithSuffixes")
KEEPS_DOTS = ("NoUTF8EscapingWithSuffixes", "NoTranslation")
# What Prometheus writes for a scrape: none of it exists for pushed series.
SCRAPE_SERIES = ("up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
                 "scrape_series_added")
# Resource attributes the receiver turns into job and instance instead of target_info labels.
TARGET_ATTRIBUTES = ("service.name", "service.namespace", "service.instance.id")


def escape(name: str) -> str:
    """A name as UnderscoreEscaping writes it: every character outside ``[A-Za-z0-9_:]`` an ``_``, runs of ``_``
    one."""
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_:]", "_", name))


@dataclass(frozen=True)
class Translation:
    """How the receiver stores the catalog's (exporter-named) series and labels under ``strategy``."""

    strategy: str
    metrics: dict[str, str]  # exporter metric name -> stored name
    series: dict[str, str]  # exporter series name (``x_bucket`` too) -> stored name
    labels: dict[str, str]  # exporter label -> stored label
    dropped: dict[str, frozenset[str]]  # metric -> its labels the receiver does not write

    def name(self, series: str) -> str:
        return self.series.get(series, series)

    def label(self, label: str) -> str:
        return self.labels.get(label, label)

    def keeps(self, metric: str, label: str) -> bool:
        return label not in self.dropped.get(metric, ())


def translation(catalog: Catalog, otel, strategy: str) -> Translation:
    """The stored names of ``catalog`` under ``strategy``, from ``otel`` (a traffic file's ``otel:`` section:
    instruments and attributes). A name the exporter's spelling does not match is an error naming both."""
    if strategy not in DERIVED:
        raise GeneratorError(f"otlp_translation_strategy {strategy!r}: names are derived for "
                             f"{' and '.join(DERIVED)} only; for another strategy write the catalog in the names "
                             "Prometheus stores")
    dots = strategy in KEEPS_DOTS
    labels: dict[str, str] = {}
    for label, attribute in sorted(otel.attributes.items()):
        if escape(attribute) != label:
            raise GeneratorError(f"otel.attributes.{label}: attribute {attribute!r} is stored as "
                                 f"{escape(attribute)!r} by UnderscoreEscaping, not as the catalog's {label!r}")
        labels[label] = attribute if dots else label
    metrics: dict[str, str] = {}
    series: dict[str, str] = {}
    dropped: dict[str, frozenset[str]] = {}
    for name, metric in catalog.metrics.items():
        if name in otel.instruments:
            instrument = otel.instruments[name][0]
            stem = escape(instrument)
            if not name.startswith(stem):
                raise GeneratorError(f"otel.instruments.{name}: instrument {instrument!r} is stored as {stem!r} "
                                     f"plus its suffixes, which the catalog's {name!r} does not start with")
            stored = (instrument if dots else stem) + name[len(stem):]
            dropped[name] = frozenset(lbl for lbl in metric.labels if lbl not in otel.attributes)
        else:  # the exporter's own (target_info): resource attributes, less those that become job and instance
            stored = name
            dropped[name] = frozenset(lbl for lbl in metric.labels if otel.attributes.get(lbl) in TARGET_ATTRIBUTES)
        metrics[name] = stored
        for s in metric.series_names:
            series[s] = stored + s[len(name):]
    return Translation(strategy, metrics, series, labels, dropped)


def translate(catalog: Catalog, ingestion: str, strategy: str, t: Translation | None) -> Catalog:
    """``catalog`` as the receiver stores it: renamed by ``t`` (when given), without the scrape's series and the
    labels the receiver does not write, marked ``ingestion``/``otlp_translation_strategy``."""
    metrics, used = {}, set()
    for name, metric in catalog.metrics.items():
        if ingestion == "otlp" and metric.source == "prometheus" and name in SCRAPE_SERIES:
            continue
        if t is not None:
            labels = tuple(t.label(lbl) for lbl in metric.labels if t.keeps(name, lbl))
            metric = replace(metric, name=t.metrics.get(name, name), labels=labels)
        metrics[metric.name] = metric
        used.update(metric.labels)
    rename = t.label if t is not None else (lambda lbl: lbl)
    labels = {}
    for name, label in catalog.labels.items():
        stored = rename(name)
        if t is not None and stored == name and name not in used and name not in catalog.target_labels:
            if any(name in d for d in t.dropped.values()):
                continue  # a label only the exporter writes (otel_scope_*)
        labels[stored] = replace(label, name=stored)
    return Catalog(scrape_interval=catalog.scrape_interval, job=catalog.job, metrics=metrics, labels=labels,
                   forbidden_labels=tuple(rename(n) for n in catalog.forbidden_labels),
                   target_labels=catalog.target_labels, files=catalog.files, ingestion=ingestion,
                   otlp_translation_strategy=strategy)


def settings(project) -> tuple[str, str]:
    """(ingestion, strategy) the project's naming says; ("", "") when it says neither (the catalog's own)."""
    ingestion = getattr(project, "ingestion", "") or ""
    strategy = getattr(project, "otlp_translation_strategy", "") or ""
    if strategy and not ingestion:
        ingestion = "otlp"
    if ingestion == "otlp" and not strategy:
        strategy = OTLP_TRANSLATIONS[0]  # Prometheus' default
    return ingestion, strategy


def translation_of(project, catalog: Catalog | None = None) -> Translation | None:
    """The translation of the project's naming, or None (scraped, or a catalog already in the stored names)."""
    ingestion, strategy = settings(project)
    if ingestion != "otlp" or not project.traffic:
        return None
    from .live.traffic_yaml import load_traffic

    catalog = catalog or load_catalog(project.catalog)
    otel = load_traffic(project.traffic, catalog).otel
    return translation(catalog, otel, strategy) if otel is not None else None


def catalog_of(project) -> Catalog:
    """The catalog of the project's naming as Prometheus stores it: the catalog's file itself for a scraped
    naming, else translated (:func:`translate`)."""
    catalog = load_catalog(project.catalog)
    ingestion, strategy = settings(project)
    if not ingestion:
        return catalog
    if ingestion != "otlp":
        return replace_ingestion(catalog, ingestion)
    return translate(catalog, ingestion, strategy, translation_of(project, catalog))


def replace_ingestion(catalog: Catalog, ingestion: str) -> Catalog:
    return Catalog(scrape_interval=catalog.scrape_interval, job=catalog.job, metrics=catalog.metrics,
                   labels=catalog.labels, forbidden_labels=catalog.forbidden_labels,
                   target_labels=catalog.target_labels, files=catalog.files, ingestion=ingestion)
