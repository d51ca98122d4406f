"""A catalog draft from what a service exposes: a ``/metrics`` endpoint (Prometheus text or OpenMetrics) or a
Prometheus server's metadata and series of one job, written in the format of :mod:`generator.catalog`.

Each metric gets its type, help, unit, labels and (histograms) buckets, and a comment with its series count. A
label gets its observed values, or a bound where there are more than :data:`MAX_VALUES`; a label whose name or
values look unbounded (ids, uuids, emails, prompts) gets a bound and a warning. Merging into an existing catalog
only adds: every line a person wrote stays as it was (comments included); new labels and metrics are appended to
their sections, and what the service says differently of an existing entry is reported, not written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests
from prometheus_client.openmetrics import parser as om_parser
from prometheus_client.parser import text_string_to_metric_families

from ..errors import GeneratorError, UnavailableError

MAX_VALUES = 20
UNBOUNDED_NAME = re.compile(r"(^|_)(id|ids|uuid|guid|email|e_mail|prompt|message|completion|session|user|trace|"
                            r"span|request|query|url|path|token|ip|address|hash)(_|$)", re.I)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UNIT_SUFFIXES = ("seconds", "bytes", "ratio", "percent", "celsius", "joules", "volts", "amperes", "hertz", "meters",
                 "grams", "watts", "milliseconds", "microseconds", "nanoseconds", "bits", "packets", "dollars")
TARGET_LABELS = ("job", "instance")
TYPES = {"counter": "counter", "gauge": "gauge", "histogram": "histogram", "summary": "summary",
         "untyped": "gauge", "unknown": "gauge", "info": "gauge", "stateset": "gauge"}


class CatalogImportError(GeneratorError):
    pass


class SourceUnavailable(CatalogImportError, UnavailableError):
    """The /metrics endpoint or the Prometheus could not be read."""


@dataclass
class Seen:
    """One metric as observed."""

    name: str  # the catalog name (a counter's with `_total` where exposed so)
    type: str
    help: str = ""
    unit: str = ""
    labels: dict[str, set[str]] = field(default_factory=dict)
    buckets: set[float] = field(default_factory=set)
    series: int = 0
    total_suffix: bool = True
    note: str = ""


def _unit(name: str, declared: str = "") -> str:
    if declared:
        return declared
    base = re.sub(r"_(total|bucket|sum|count|info)$", "", name)
    for suffix in UNIT_SUFFIXES:
        if base.endswith("_" + suffix):
            return suffix
    return ""


def _add_sample(m: Seen, labels: dict[str, str]) -> None:
    m.series += 1
    for k, v in labels.items():
        if k not in ("le", "quantile"):  # job and instance too: render() names them, it does not list them
            m.labels.setdefault(k, set()).add(v)


# ---------------------------------------------------------------------------------------------------------------
# Sources


def from_exposition(text: str, where: str, content_type: str = "") -> dict[str, Seen]:
    """The metrics of one scrape (``# EOF`` or an OpenMetrics content type: OpenMetrics; else Prometheus text)."""
    openmetrics = "openmetrics" in content_type or text.rstrip().endswith("# EOF")
    try:
        families = list((om_parser.text_string_to_metric_families if openmetrics
                         else text_string_to_metric_families)(text))
    except (ValueError, TypeError, KeyError, IndexError) as e:
        raise CatalogImportError(f"{where}: not Prometheus text or OpenMetrics: {e}") from e
    # prometheus_client names a counter's samples `_total` even where the text does not: read the names as written
    written = {re.split(r"[{\s]", line, maxsplit=1)[0] for line in text.splitlines() if line and line[0] != "#"}
    out: dict[str, Seen] = {}
    for fam in families:
        kind = TYPES.get(fam.type)
        if kind is None:
            continue  # gaugehistogram: no catalog type for it
        samples = [s for s in fam.samples if not s.name.endswith("_created")]
        name = fam.name
        m = Seen(name, kind, fam.documentation or "", _unit(name, getattr(fam, "unit", "") or ""))
        if kind == "counter":
            m.total_suffix = name.endswith("_total") or name + "_total" in written or name not in written
            m.name = name + "_total" if m.total_suffix and not name.endswith("_total") else name
        if fam.type == "info":
            m.name = name + "_info" if not name.endswith("_info") else name
        for s in samples:
            _add_sample(m, s.labels)
            if kind == "histogram" and s.name.endswith("_bucket") and "le" in s.labels:
                m.buckets.add(float(s.labels["le"]))
        if fam.type in ("untyped", "unknown", "info", "stateset"):
            m.note = f"exposed as {fam.type}"
        _merge_seen(out, m)
    return out


def _merge_seen(out: dict[str, Seen], m: Seen) -> None:
    if m.name not in out:
        out[m.name] = m
        return
    known = out[m.name]
    known.series += m.series
    known.buckets |= m.buckets
    for k, v in m.labels.items():
        known.labels.setdefault(k, set()).update(v)


def scrape(url: str, timeout: float = 10.0) -> dict[str, Seen]:
    try:
        resp = requests.get(url, timeout=timeout, headers={
            "Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"})
        resp.raise_for_status()
    except requests.RequestException as e:
        raise SourceUnavailable(f"{url}: cannot read metrics: {e}") from e
    return from_exposition(resp.text, url, resp.headers.get("Content-Type", ""))


def _api(base: str, path: str, params=None, timeout: float = 30.0):
    url = base.rstrip("/") + path
    try:
        resp = requests.get(url, params=params, timeout=timeout)
        resp.raise_for_status()
        body = resp.json()
    except requests.RequestException as e:
        raise SourceUnavailable(f"{url}: {e}") from e
    except ValueError as e:
        raise CatalogImportError(f"{url}: not a Prometheus API answer: {e}") from e
    if body.get("status") != "success":
        raise CatalogImportError(f"{url}: {body.get('error') or body}")
    return body["data"]


def from_prometheus(base: str, job: str) -> dict[str, Seen]:
    """The metrics of ``job`` as a Prometheus server has them: its series (labels, values, counts) and metadata."""
    selector = '{job="' + job.replace("\\", "\\\\").replace('"', '\\"') + '"}'
    series = _api(base, "/api/v1/series", {"match[]": selector})
    if not series:
        raise CatalogImportError(f"{base}: no series of job {job!r}")
    metadata = _api(base, "/api/v1/metadata")
    names = {s.get("__name__") for s in series}
    out: dict[str, Seen] = {}
    for s in series:
        name = s.pop("__name__", "")
        base_name, kind, meta = _family(name, names, metadata)
        m = out.get(base_name) or Seen(base_name, kind, meta.get("help") or "", _unit(base_name, meta.get("unit", "")),
                                        note="prometheus")
        out[base_name] = m
        _add_sample(m, s)
        if kind == "histogram" and name.endswith("_bucket") and "le" in s:
            m.buckets.add(float(s["le"]))
        if kind == "counter":
            m.total_suffix = base_name.endswith("_total")
    return out


def _family(name: str, names: set, metadata: dict) -> tuple[str, str, dict]:
    for suffix in ("_bucket", "_sum", "_count", ""):
        base = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
        meta = (metadata.get(base) or [{}])[0]
        kind = meta.get("type")
        if (suffix and kind in ("histogram", "summary")) or (not suffix and kind):
            return base, TYPES.get(kind, "gauge"), meta
    if name.endswith("_total"):
        meta = (metadata.get(name[:-6]) or [{}])[0]
        if meta.get("type") == "counter":
            return name, "counter", meta
    return name, "gauge", {"help": "(no metadata in Prometheus)"}
