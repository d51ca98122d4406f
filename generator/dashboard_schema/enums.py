"""The words schema v2 uses where classic JSON has numbers, and the resource envelope, shared by the writer
(:mod:`.v2_write`) and the reader (:mod:`.v2_read`).

Every table is Grafana's own conversion (``apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go``:
``transformCursorSyncToEnum``, ``transformVariableHideToEnum``, ``transformVariableRefreshToEnum``,
``transformVariableSortToEnum``), read both ways.
"""

from __future__ import annotations

SCHEMAS = ("classic", "v2")  # the values of `dashboard_schema` ([tool.generator] and environments)
GROUP = "dashboard.grafana.app"
V2_VERSION = "v2beta1"  # what the Grafana Foundation SDK's `dashboardv2beta1` models describe
V2_API_VERSION = f"{GROUP}/{V2_VERSION}"
KIND = "Dashboard"

CURSOR_SYNC = {0: "Off", 1: "Crosshair", 2: "Tooltip"}
VARIABLE_HIDE = {0: "dontHide", 1: "hideLabel", 2: "hideVariable"}
VARIABLE_REFRESH = {0: "never", 1: "onDashboardLoad", 2: "onTimeRangeChanged"}
VARIABLE_SORT = {0: "disabled", 1: "alphabeticalAsc", 2: "alphabeticalDesc", 3: "numericalAsc", 4: "numericalDesc",
                 5: "alphabeticalCaseInsensitiveAsc", 6: "alphabeticalCaseInsensitiveDesc", 7: "naturalAsc",
                 8: "naturalDesc"}

# Classic variable type -> v2 variable kind.
VARIABLE_KINDS = {"query": "QueryVariable", "datasource": "DatasourceVariable", "custom": "CustomVariable",
                  "constant": "ConstantVariable", "interval": "IntervalVariable", "textbox": "TextVariable",
                  "adhoc": "AdhocVariable", "groupby": "GroupByVariable", "switch": "SwitchVariable"}
VARIABLE_TYPES = {kind: type_ for type_, kind in VARIABLE_KINDS.items()}

# Grafana keeps a variable query that is a string (as Prometheus' `label_values(...)` is) under this key of the
# DataQuery spec (LEGACY_STRING_VALUE_KEY of the conversion).
LEGACY_STRING = "__legacyStringValue"

# The panel keys that become the v2 panel's query options (QueryOptionsSpec), in classic spelling.
QUERY_OPTIONS = ("timeFrom", "timeShift", "maxDataPoints", "interval", "cacheTimeout", "hideTimeOverride",
                 "queryCachingTTL", "timeCompare")

GRID_ROW_HEIGHT = 1  # a classic row header is one grid line


def word(table: dict, value, default: str) -> str:
    """The v2 word for a classic number (a word already is kept)."""
    if isinstance(value, str):
        return value if value in table.values() else default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return table.get(int(value), default)


def number(table: dict, value, default: int = 0) -> int:
    """The classic number for a v2 word (a number already is kept)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    for n, w in table.items():
        if w == value:
            return n
    return default
