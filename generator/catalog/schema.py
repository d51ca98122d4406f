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
    "buckets": "A histogram's finite bucket upper bounds, strictly increasing (`+Inf` is implied).",
    "source": "`service` (default), or `prometheus` for series Prometheus writes itself (`up`, `ALERTS`).",
    "total_suffix": "`false` for a counter its exporter exposes without `_total` (exporters older than "
                    "OpenMetrics).",
    "series": "Series per target as measured (`catalog-import` writes it): catalog/series-budget reads it instead "
              "of the worst case of the labels' cardinalities.",
}
