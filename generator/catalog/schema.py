"""Every key of a catalog file, with what it means: the loader accepts these and no others, and the reference
(docs/reference/catalog.md) is written from here."""

SETTINGS = {
    "scrape_interval": "How often Prometheus scrapes the service (`15s`): range windows are checked against it.",
    "job": "The scrape job of the service: the synthetic workload labels its samples with it.",
    "forbidden_labels": "Label names that must never appear on a metric or in a grouping (user, session or "
                        "request ids, prompts, emails): unbounded values.",
    "target_labels": "Labels Prometheus attaches to every scraped series (default `[job, instance]`; add "
                     "`cluster` and the like).",
    "labels": "Every label name a metric uses, each with `help` and either `values` or `bound` (below).",
    "metrics": "Every metric the service exposes, by the name Prometheus stores (below).",
    "ingestion": "How the series reach Prometheus: `scrape` (default; Prometheus scrapes `/metrics`) or `otlp` "
                 "(pushed to Prometheus 3's OTLP receiver). It decides how `le` and `quantile` are spelt "
                 "(scraped: `le=\"10.0\"` on Prometheus 3; OTLP: `le=\"10\"`), which promql/integer-le-matcher "
                 "checks, and there is no `up` for pushed series.",
    "otlp_translation_strategy": "With `ingestion: otlp`, the receiver's `otlp.translation_strategy` the names "
                                 "were written for: `UnderscoreEscapingWithSuffixes` (Prometheus' default: "
                                 "`gen_ai_client_token_usage_bucket`), `NoUTF8EscapingWithSuffixes` (dotted "
                                 "names kept: `gen_ai.client.token.usage_bucket`, queried as "
                                 "`{\"gen_ai.client.token.usage_bucket\"}`), `UnderscoreEscapingWithoutSuffixes` "
                                 "or `NoTranslation`.",
}

LABEL = {
    "help": "What the label says.",
    "values": "The values it may take (a query matching another value is an error).",
    "bound": "At most this many values, when they cannot be listed (a model version, a host).",
}

METRIC = {
    "type": "`counter`, `gauge`, `histogram` or `summary`.",
    "unit": "The unit its name carries as a suffix (`seconds`, `bytes`, `requests`), or `\"\"`.",
    "help": "What it counts or measures.",
    "labels": "The label names it carries besides the target labels; each declared under `labels:`.",
    "buckets": "A histogram's finite bucket upper bounds, strictly increasing (`+Inf` is implied); not for a "
               "`native` one.",
    "histogram": "How Prometheus stores a histogram: `classic` (default: `_bucket` series by `le`, `_sum`, "
                 "`_count`), `native` (one series of native histograms, exponential buckets) or `nhcb` (classic "
                 "buckets converted to a native histogram with custom buckets, `convert_classic_histograms_to_nhcb`). "
                 "Native and NHCB histograms have no `_bucket`, `_sum` or `_count` series: query "
                 "`histogram_quantile(0.95, sum by (...) (rate(x[5m])))`, `histogram_count(...)`, "
                 "`histogram_sum(...)`.",
    "source": "`service` (default), or `prometheus` for series Prometheus writes itself (`up`, `ALERTS`).",
    "total_suffix": "`false` for a counter its exporter exposes without `_total` (exporters older than "
                    "OpenMetrics).",
    "series": "Series per target as measured (`catalog-import` writes it): catalog/series-budget reads it instead "
              "of the worst case of the labels' cardinalities.",
}
