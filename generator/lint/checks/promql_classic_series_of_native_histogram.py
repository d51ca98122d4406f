"""promql/classic-series-of-native-histogram: ``_bucket``, ``_sum`` or ``_count`` of a native histogram.

What it catches:
    A selector of ``x_bucket``, ``x_sum`` or ``x_count`` (with or without ``le``) where the catalog declares
    histogram ``x`` as ``histogram: native`` or ``histogram: nhcb`` (classic buckets that Prometheus 3 converts to
    a native histogram with custom buckets, ``convert_classic_histograms_to_nhcb``). The message gives the native
    form: ``histogram_quantile(0.95, sum by (...) (rate(x[5m])))`` for a quantile over the buckets,
    ``histogram_fraction(0, 10, rate(x[5m]))`` for the share at or under a bound, ``histogram_count(rate(x[5m]))``
    and ``histogram_sum(rate(x[5m]))`` for the counts and sums.

Why it matters:
    Prometheus stores a native histogram as one series under the bare name; the classic ``_bucket``, ``_sum``
    and ``_count`` series do not exist (unless ``always_scrape_classic_histograms`` keeps both), so these queries
    return nothing: empty panels, alerts that cannot fire.

Failing example:
    histogram_quantile(0.95, sum by (le) (rate(rpc_duration_seconds_bucket[5m])))

Passing example:
    histogram_quantile(0.95, sum(rate(rpc_duration_seconds[5m])))
"""

from ...durations import format as show_duration
from ..promql import Aggregate, Call, Matrix, Subquery, number, show_label, show_name, unwrap, walk

NAME = "promql/classic-series-of-native-histogram"
SEVERITY = "error"
ENTRY = "query"
NEEDS_CATALOG = True  # skipped by `lint --no-catalog`


def _parents(root) -> dict:
    parents = {}
    for node in walk(root):
        for child in node.children():
            parents[id(child)] = node
    return parents


def _selector_text(metric, sel) -> str:
    matchers = [f'{show_label(m.name)}{m.op}"{m.value}"' for m in sel.label_matchers() if m.name != "le"]
    name = show_name(metric.name)
    if not matchers:
        return name
    if name.startswith("{"):
        return name[:-1] + ", " + ", ".join(matchers) + "}"
    return f"{name}{{{', '.join(matchers)}}}"


def _native_form(metric, suffix, sel, parents) -> str:
    """What to write instead, keeping the query's quantile, grouping, function and window where it has them."""
    up = parents.get(id(sel))
    window, func = "5m", "rate"
    if isinstance(up, Matrix):
        window = show_duration(up.range)
        call = parents.get(id(up))
        if isinstance(call, Call) and call.func in ("rate", "increase", "irate"):
            func = call.func
    series = f"{func}({_selector_text(metric, sel)}[{window}])"
    if suffix == "_count":
        return f"histogram_count({series})"
    if suffix == "_sum":
        return f"histogram_sum({series})"
    le = next((m.value for m in sel.label_matchers() if m.name == "le" and m.op == "="), None)
    node, quantile, grouping = sel, None, None
    while node is not None:
        if isinstance(node, Aggregate) and grouping is None and not node.without:
            grouping = tuple(g for g in node.grouping or () if g != "le")
        if isinstance(node, Call) and node.func == "histogram_quantile" and node.args:
            quantile = number(unwrap(node.args[0]))
            break
        node = parents.get(id(node))
    if quantile is not None or le is None:
        by = f" by ({', '.join(map(show_label, grouping))})" if grouping else ""
        return f"histogram_quantile({quantile if quantile is not None else 0.95:g}, sum{by} ({series}))"
    return f"histogram_fraction(0, {le}, {series})"


def check(query, ctx):
    if query.node is None:
        return
    parents = None
    for sel in query.selectors:
        found = ctx.catalog.native_histogram_part(sel.name or "")
        if found is None:
            continue
        metric, suffix = found
        parents = parents if parents is not None else _parents(query.node)
        kind = "native histograms with custom buckets (NHCB)" if metric.histogram == "nhcb" else \
            "native histograms"
        subquery = isinstance(parents.get(id(sel)), Subquery)
        fix = _native_form(metric, suffix, sel, {} if subquery else parents)
        yield f"`{show_name(sel.name)}` does not exist: the catalog declares `{show_name(metric.name)}` " \
              f"`histogram: {metric.histogram}`, which Prometheus stores as {kind} under the bare name, without " \
              f"`_bucket`, `_sum` or `_count` series; write `{fix}`"
