"""dashboard/panel-without-unit: a data panel that does not say its unit.

What it catches:
    Time series, stat, gauge, table and other data panels with no unit in ``fieldConfig.defaults.unit`` (nor an
    override, nor the legacy ``yaxes``/``format``). ``none`` and ``short`` count as a unit.

Why it matters:
    Without a unit, 0.25 could be seconds, a ratio or dollars; Grafana also cannot scale it (ms/s, K/M).

Failing example:
    {"type": "timeseries", "title": "Latency P95", "fieldConfig": {"defaults": {}}}

Passing example:
    {"type": "timeseries", "title": "Latency P95", "fieldConfig": {"defaults": {"unit": "s"}}}
"""

from ...grafana.model import is_data_panel, panel_unit

NAME = "dashboard/panel-without-unit"
SEVERITY = "warning"
ENTRY = "panel"


def check(panel, ctx):
    if is_data_panel(panel.data) and panel_unit(panel.data) is None:
        yield "has no unit; set fieldConfig.defaults.unit (s, reqps, percentunit, currencyUSD, short, none, ...)"
