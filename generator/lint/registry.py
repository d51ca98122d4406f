"""The one list of checks. A check is a module with NAME ("area/name"), SEVERITY, ENTRY (the kind of entry it
looks at: query, panel, dashboard, rule, ruleset, catalog), a docstring in the four sections DOC_SECTIONS, and
``check(entry, ctx)`` yielding messages (or :class:`generator.lint.problem.Hit`). A check that only means
something against a catalog sets ``NEEDS_CATALOG = True``."""

from __future__ import annotations

from .checks import (
    alert_duplicate_name,
    alert_for_too_short,
    alert_invalid_rule,
    alert_missing_annotation,
    alert_missing_for,
    alert_missing_severity,
    alert_no_comparison,
    alert_template_label_dropped,
    alert_template_syntax_error,
    alert_unguarded_division,
    catalog_bucket_scale_mismatch,
    catalog_counter_without_total,
    catalog_missing_unit_suffix,
    catalog_series_budget,
    dashboard_datasource_not_templated,
    dashboard_duplicate_panel_id,
    dashboard_invalid_structure,
    dashboard_overlapping_panels,
    dashboard_panel_off_grid,
    dashboard_panel_without_description,
    dashboard_panel_without_targets,
    dashboard_panel_without_title,
    dashboard_panel_without_unit,
    dashboard_undefined_variable,
    dashboard_unknown_link_uid,
    promql_classic_series_of_native_histogram,
    promql_deprecated_name,
    promql_experimental_syntax,
    promql_group_by_forbidden_label,
    promql_histogram_quantile_not_bucket,
    promql_histogram_quantile_without_le,
    promql_integer_le_matcher,
    promql_legend_label_dropped,
    promql_range_too_short,
    promql_rate_of_sum,
    promql_rate_on_gauge,
    promql_raw_counter,
    promql_syntax_error,
    promql_threshold_above_largest_bucket,
    promql_unknown_label,
    promql_unknown_label_value,
    promql_unknown_metric,
)

CHECKS = (
    promql_syntax_error,
    promql_experimental_syntax,
    promql_unknown_metric,
    promql_unknown_label,
    promql_unknown_label_value,
    promql_rate_on_gauge,
    promql_raw_counter,
    promql_histogram_quantile_without_le,
    promql_histogram_quantile_not_bucket,
    promql_rate_of_sum,
    promql_legend_label_dropped,
    promql_range_too_short,
    promql_group_by_forbidden_label,
    promql_threshold_above_largest_bucket,
    promql_integer_le_matcher,
    promql_classic_series_of_native_histogram,
    promql_deprecated_name,
    dashboard_invalid_structure,
    dashboard_datasource_not_templated,
    dashboard_panel_without_title,
    dashboard_panel_without_description,
    dashboard_panel_without_unit,
    dashboard_panel_without_targets,
    dashboard_duplicate_panel_id,
    dashboard_overlapping_panels,
    dashboard_panel_off_grid,
    dashboard_undefined_variable,
    dashboard_unknown_link_uid,
    alert_invalid_rule,
    alert_missing_severity,
    alert_missing_annotation,
    alert_template_syntax_error,
    alert_template_label_dropped,
    alert_no_comparison,
    alert_missing_for,
    alert_for_too_short,
    alert_unguarded_division,
    alert_duplicate_name,
    catalog_counter_without_total,
    catalog_missing_unit_suffix,
    catalog_series_budget,
    catalog_bucket_scale_mismatch,
)

# Gates: the semantic rules a build enforces too (generator.lint.gates runs them on the rules it compiles; the
# catalog loader runs the catalog's, defined in generator.catalog.gates), so each rule lives in one place. The build
# refuses any problem a gate reports that is not suppressed with a reason.
GATES = (
    alert_invalid_rule,  # durations (`for`, `keep_firing_for`) and the shape Prometheus loads
    alert_missing_severity,
    alert_duplicate_name,
    catalog_counter_without_total,
)

DOC_SECTIONS = ("What it catches:", "Why it matters:", "Failing example:", "Passing example:")
AREAS = ("promql", "dashboard", "alert", "catalog")


def catalog_free(checks=CHECKS) -> list:
    """The checks that mean something without a metric catalog (``lint --no-catalog``)."""
    return [c for c in checks if not getattr(c, "NEEDS_CATALOG", False)]


def check_names() -> set[str]:
    return {c.NAME for c in CHECKS}


def summary(module) -> str:
    """The first line of a check's docstring, after its name."""
    first = (module.__doc__ or "").strip().splitlines()[0]
    return first.split(":", 1)[1].strip() if ":" in first else first
