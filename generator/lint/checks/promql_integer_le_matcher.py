"""promql/integer-le-matcher: an ``le`` or ``quantile`` matcher spelt otherwise than Prometheus 3 stores it.

What it catches:
    ``x_bucket{le="10"}``, ``x{quantile="1"}``, ``le=~"5|10"``: Prometheus 3 writes the ``le`` of a scraped
    histogram and the ``quantile`` of a scraped summary as floats (``10.0``, ``1.0``, ``1e+06``, ``+Inf``:
    Go's ``FormatOpenMetricsFloat``), whatever the exposition said, so these matchers select nothing (``=``, or
    a regex whose alternatives all miss) or exclude nothing (``!=``, ``!~``). Values that are already floats
    (``0.5``, ``2.5``, ``+Inf``), regexes that also match the float spelling (``le=~"10|10\\\\.0"``) and values
    holding a Grafana variable pass. Series pushed over OTLP (catalog ``ingestion: otlp``) are the other way
    round: their bounds are plain decimals (``le="10"``), and ``le="10.0"`` is reported. An error when the
    catalog declares the histogram or summary; a warning for series it does not know (they may come another
    way, and Prometheus 2 kept the exposed text).

Why it matters:
    Queries and alerts written against Prometheus 2 (``le="1"`` from a text-format exporter) stop matching after
    the upgrade, silently: an SLO's good-events ratio reads nothing, a latency alert never fires. Prometheus'
    migration guide (``le`` and ``quantile`` label values) recommends fixing the matchers.

Failing example:
    sum(rate(http_request_duration_seconds_bucket{le="10"}[5m]))

Passing example:
    sum(rate(http_request_duration_seconds_bucket{le=~"10|10\\\\.0"}[5m]))
"""

import re

from ... import bounds
from ...grafana.model import contains_variable
from ..problem import Hit
from ..promql import matcher_regex

NAME = "promql/integer-le-matcher"
SEVERITY = "warning"
ENTRY = "query"

KINDS = {"le": "histogram", "quantile": "summary"}
PLURAL = {"histogram": "histograms", "summary": "summaries"}
_LITERAL = re.compile(r"(?:[^()\[\]{}*?^$|\\]|\\[.+])+")  # an alternative that is plain text (`\.`, `\+` allowed)


def _shown(value: str) -> str:
    """``value`` as a PromQL double-quoted string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _escaped(text: str) -> str:
    return re.sub(r"([.+])", r"\\\1", text)


def _applies(sel, label: str, ctx) -> tuple[bool, object]:
    """(does Prometheus rewrite this label of this series, the catalog metric when the catalog declares it)."""
    if ctx.catalog.native_histogram_part(sel.name or ""):
        return False, None  # no such series: promql/classic-series-of-native-histogram
    info = ctx.series(sel.name)
    if info is None:  # unknown (or no catalog): `le` and `quantile` are a histogram's and a summary's
        return True, None
    metric = info.metric
    if metric is not None:
        ok = metric.type == KINDS[label] and not metric.native and \
            (label != "le" or (sel.name or "").endswith("_bucket"))
        return ok, metric if ok else None
    if info.recorded:  # kept from the histogram it was computed from, unless the rule sets it
        rule = ctx.recordings.get(sel.name)
        static = {str(k) for k in rule.mapping("labels")} if rule is not None else set()
        return label not in static, None
    return False, None  # Prometheus' own series (ALERTS, up, ...)


def _misses(m, candidates, ingestion: str) -> list[tuple[str, str]]:
    """(spelling matched, spelling stored) for each number the matcher means but Prometheus 3 stores otherwise."""
    if m.op in ("=", "!="):
        stored = bounds.stored(m.value, ingestion)
        return [(m.value, stored)] if stored is not None and stored != m.value else []
    regex = matcher_regex(m.value)
    if regex is None:
        return []
    missed = []
    for text in candidates:
        stored = bounds.stored(text, ingestion)
        if stored is not None and stored != text and regex.fullmatch(text) and not regex.fullmatch(stored) \
                and (text, stored) not in missed:
            missed.append((text, stored))
    return missed


def _candidates(m, metric) -> list[str]:
    """The numbers a regex matcher may mean: its literal alternatives, and the spellings of the catalog's bounds."""
    texts = []
    alternatives = m.value.split("|")
    if all(_LITERAL.fullmatch(a) for a in alternatives):
        texts += [re.sub(r"\\([.+])", r"\1", a) for a in alternatives]
    for bound in getattr(metric, "buckets", ()) if m.name == "le" else ():
        texts += [bounds.otlp(bound), bounds.scraped(bound)]
    return texts


def _fix(m, missed, otlp: bool) -> str:
    if m.op in ("=", "!="):
        text, stored = missed[0]
        if otlp:
            return f"write {m.name}{m.op}{_shown(stored)}"
        both = f"{m.name}{m.op[0]}~{_shown(text + '|' + _escaped(stored))}"
        return f"write {m.name}{m.op}{_shown(stored)}, or {both} to match Prometheus 2's spelling as well"
    value = m.value
    for text, stored in missed:
        alternatives = value.split("|")
        if text in [re.sub(r"\\([.+])", r"\1", a) for a in alternatives]:
            value = "|".join(a + "|" + _escaped(stored) if re.sub(r"\\([.+])", r"\1", a) == text else a
                             for a in alternatives)
        else:
            value += "|" + _escaped(stored)
    return f"write {m.name}{m.op}{_shown(value)}"


def check(query, ctx):
    if query.node is None:
        return
    ingestion = ctx.catalog.ingestion
    for sel in query.selectors:
        for m in sel.label_matchers():
            if m.name not in KINDS or contains_variable(m.value):
                continue
            applies, metric = _applies(sel, m.name, ctx)
            if not applies:
                continue
            missed = _misses(m, _candidates(m, metric), ingestion if metric is not None else "scrape")
            if not missed:
                continue
            otlp = metric is not None and ingestion == "otlp"
            how = "series pushed over OTLP" if otlp else f"scraped {PLURAL[KINDS[m.name]]}"
            stored = ", ".join(f"{m.name}={_shown(s)}" for _, s in missed)
            listed = ", ".join(t for t, _ in missed)
            verb = {"=": "selects nothing", "!=": "excludes nothing", "=~": f"misses {listed}",
                    "!~": f"no longer excludes {listed}"}[m.op]
            yield Hit(f"{m.name}{m.op}{_shown(m.value)} {verb} on Prometheus 3, which "
                      f"stores {stored} for {how}; {_fix(m, missed, otlp)}",
                      severity="error" if metric is not None else None)
