"""promql/unknown-metric: a selector names a series the catalog does not declare.

What it catches:
    Metric names that are neither in the catalog, nor recorded by a recording rule being linted, nor one of
    Prometheus' own series (``up``, ``scrape_*``, ``ALERTS``). The message suggests the name the OpenTelemetry
    exporter really exposes: counters gain ``_total``, units become suffixes, histograms are read through
    ``_bucket``/``_sum``/``_count`` (``payment_amount_dollars`` -> ``payment_amount_dollars_total``,
    ``http_request_duration`` -> ``http_request_duration_seconds_bucket``).

    A name with a colon (``level:metric:operations``) is a recording rule's by convention; when no rule linted
    records it the problem is a warning: pass the rule file that records it along.

Why it matters:
    A selector of a series that does not exist returns nothing: the panel stays empty and the alert never fires,
    silently.

Failing example:
    sum(rate(payment_amount_dollars[5m]))

Passing example:
    sum(rate(payment_amount_dollars_total[5m]))
"""

import difflib

from ..problem import Hit
from ..promql import TRANSLATION_HINT, show_name, translation_twin
from ..templating import is_placeholder

NAME = "promql/unknown-metric"
SEVERITY = "error"
ENTRY = "query"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`

CUTOFF = 0.75  # how close a spelling must be (difflib's ratio) to be suggested


def suggest(name: str, ctx) -> str | None:
    """The series the exporter would expose for what the user meant, or a close spelling (once per name and run,
    in ``ctx.suggestions``: the same unknown name recurs in many queries)."""
    if name not in ctx.suggestions:
        ctx.suggestions[name] = _suggest(name, ctx.catalog)
    return ctx.suggestions[name]


def _suggest(name: str, catalog) -> str | None:
    exposed = catalog.exporter_name(name)
    if exposed is not None:
        return exposed
    known = catalog.series_names  # recorded names (with `:`) go elsewhere
    # difflib's ratio 2*M/(a+b) reaches the cutoff only when the shorter name is at least 0.6 of the longer one
    # (M <= the shorter length): comparing with the others cannot match, so they are skipped. Names are compared
    # only with names of the same namespace (first two characters: a typo there is rare, and an unknown exporter's
    # metrics are then not compared with every catalog name).
    n = len(name)
    candidates = [k for k in known if k[:2] == name[:2] and 0.6 * max(n, len(k)) <= min(n, len(k))]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=CUTOFF)
    return close[0] if close else None


def check(query, ctx):
    if query.node is None:
        return
    for sel in query.selectors:
        name = sel.name
        if not name or is_placeholder(name) or ctx.series(name) is not None:
            continue
        if ctx.catalog.native_histogram_part(name):
            continue  # promql/classic-series-of-native-histogram says what to write instead
        if ":" in name:
            yield Hit(f"series `{name}` is not recorded by any rule file linted; lint the rule file that records "
                      "it together with this one, or fix the name", severity="warning")
            continue
        hint = suggest(name, ctx)
        did_you_mean = f"; did you mean `{show_name(hint)}`?" if hint else \
            "; add it to the catalog if the service exposes it"
        if hint and translation_twin(name, (hint,)):
            did_you_mean += f" ({TRANSLATION_HINT})"
        metric = ctx.catalog.series(hint).metric if hint and ctx.catalog.series(hint) else None
        if metric is not None and metric.type == "histogram" and name.endswith("_total"):
            did_you_mean += (f" `{metric.name}` is a histogram: no `_total`; its `_sum` counts the total, its "
                             "`_count` the observations")
        yield f"metric `{show_name(name)}` is not in the catalog or a recording rule{did_you_mean}"
