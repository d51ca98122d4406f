"""House-style building blocks for dashboards: grafanalib objects with this project's defaults.

A dashboard module reads like the dashboard: rows of panels, each one call to a helper here. Helpers give every
panel the templated datasource, a unit, a description and a sensible size; :func:`dashboard` lays the rows out on
Grafana's 24-column grid, so no module computes a coordinate by hand.

Every helper records the file and line that called it (and the lint checks it suppresses) in fields of its own
(``declared_at``, ``suppress``): the objects are grafanalib's classes extended by :func:`declared`. The build
copies those fields into the source map of the generated file, so that the compiler and the linter can point at
the declaration rather than at the generated JSON.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import attr
import grafanalib.core as G

from .leftout import LeftOut, left_out  # noqa: F401  (P.left_out: a panel not built, and why)
from .source import Location, caller_location

GRID_WIDTH = 24
DATASOURCE_VARIABLE = "datasource"
DATASOURCE = {"type": "prometheus", "uid": f"${{{DATASOURCE_VARIABLE}}}"}

# Threshold colours of the house style.
GREEN, YELLOW, RED = "green", "#EAB839", "red"


# ---------------------------------------------------------------------------------------------------------------
# grafanalib classes that know where they were declared


def declared(base: type) -> type:
    """``base`` (an attrs class of grafanalib) with three more fields: ``declared_at`` (the user's file and
    line), ``suppress`` (lint check -> reason) and ``grid_size`` ((width, height) for :func:`layout`). They are
    not part of the JSON; ``attr.evolve`` keeps them. ``grid_at`` is an explicit (x, y) (see :func:`at`)."""
    return attr.make_class(base.__name__, {
        "declared_at": attr.ib(default=None, eq=False, repr=False, kw_only=True),
        "suppress": attr.ib(factory=dict, eq=False, repr=False, kw_only=True),
        "grid_size": attr.ib(default=(12, 8), eq=False, repr=False, kw_only=True),
        "grid_at": attr.ib(default=None, eq=False, repr=False, kw_only=True),
    }, bases=(base,))


Target = declared(G.Target)
TimeSeries = declared(G.TimeSeries)
Stat = declared(G.Stat)
Table = declared(G.Table)
RowPanel = declared(G.RowPanel)
Dashboard = declared(G.Dashboard)
Panel = declared(G.Panel)


def _here() -> Location | None:
    return caller_location()


# ---------------------------------------------------------------------------------------------------------------
# Queries


def target(expr: str, legend: str = "", *, instant: bool = False, table: bool = False, heatmap: bool = False,
           suppress: dict[str, str] | None = None) -> G.Target:
    """One PromQL query of a panel. ``legend`` uses Grafana's ``{{label}}`` syntax.

    ``suppress`` maps lint check names to the reason they do not apply to this query.
    """
    fmt = G.TABLE_TARGET_FORMAT if table else ("heatmap" if heatmap else G.TIME_SERIES_TARGET_FORMAT)
    return Target(expr=expr.strip(), legendFormat=legend, instant=instant, format=fmt, datasource=DATASOURCE,
                  suppress=dict(suppress or {}), declared_at=_here())


def _targets(queries) -> list[G.Target]:
    """Accept Targets or bare expressions; give each a refId A, B, C, ..."""
    out = []
    for letter, q in zip(string.ascii_uppercase, queries, strict=False):  # at most 26 targets get letters
        t = _as_target(q)
        out.append(attr.evolve(t, refId=letter))
    if len(queries) > len(string.ascii_uppercase):
        raise ValueError("a panel holds at most 26 queries")
    return out


def _as_target(q) -> Target:
    """A bare expression (declared where the panel is), or a plain grafanalib Target."""
    if isinstance(q, Target):
        return q
    if isinstance(q, G.Target):
        return Target(**{a.name: getattr(q, a.name) for a in attr.fields(G.Target)}, declared_at=_here())
    return target(q)


# ---------------------------------------------------------------------------------------------------------------
# Panels


def thresholds(*steps: tuple[float | None, str]) -> list[dict]:
    """Threshold steps as (value, colour); the first value is None (minus infinity)."""
    return [{"value": value, "color": colour} for value, colour in steps]


def _sized(panel, width: int, height: int, suppress: dict[str, str] | None):
    if not 1 <= width <= GRID_WIDTH:
        raise ValueError(f"panel {panel.title!r}: width {width} is outside 1..{GRID_WIDTH}")
    if height < 1:
        raise ValueError(f"panel {panel.title!r}: height {height} must be at least 1")
    return attr.evolve(panel, grid_size=(width, height), suppress=dict(suppress or {}), declared_at=_here())


def timeseries(title: str, description: str, unit: str, *queries, width: int = 12, height: int = 8,
               stack: bool = False, fill: int = 10, min: float | None = 0, max: float | None = None,
               steps: list[dict] | None = None, legend_calcs: tuple[str, ...] = ("mean", "max"),
               bars: bool = False, interval: str | None = None, links: list[dict] | None = None,
               suppress: dict[str, str] | None = None) -> G.TimeSeries:
    """A time series graph. ``steps`` (see :func:`thresholds`) are drawn as dashed lines; ``interval`` is the
    smallest step between points (``1d`` with ``[$__interval]`` gives one bar per day)."""
    panel = TimeSeries(
        title=title, description=description, unit=unit, dataSource=DATASOURCE, targets=_targets(queries),
        fillOpacity=fill, stacking={"mode": "normal", "group": "A"} if stack else {"mode": "none", "group": "A"},
        legendDisplayMode="table", legendPlacement="bottom", legendCalcs=list(legend_calcs),
        tooltipMode="multi", tooltipSort="desc", valueMin=min, valueMax=max, extraJson=_data_links(links),
        thresholds=steps or thresholds((None, GREEN)),
        thresholdsStyleMode="dashed" if steps else "off", drawStyle="bars" if bars else "line",
        interval=interval,
    )
    return _sized(panel, width, height, suppress)


def stat(title: str, description: str, unit: str, query, *, width: int = 6, height: int = 5,
         steps: list[dict] | None = None, decimals: int | None = None, graph: bool = True,
         calc: str = "lastNotNull", mappings: list[dict] | None = None, links: list[dict] | None = None,
         time_from: str | None = None, suppress: dict[str, str] | None = None) -> G.Stat:
    """One big number (with a sparkline unless ``graph`` is False). ``time_from`` overrides the time range
    (``now/d``: since midnight)."""
    panel = Stat(
        title=title, description=description, format=unit, dataSource=DATASOURCE, targets=_targets([query]),
        thresholds=steps or thresholds((None, GREEN)), decimals=decimals, reduceCalc=calc,
        graphMode="area" if graph else "none", colorMode="value", extraJson=_data_links(links),
        mappings=list(mappings or []), timeFrom=time_from, noValue=None,
    )
    return _sized(panel, width, height, suppress)


def table(title: str, description: str, unit: str, *queries, width: int = 24, height: int = 9,
          hide: tuple[str, ...] = ("Time",), sort_by: str | None = None, links: list[dict] | None = None,
          suppress: dict[str, str] | None = None) -> G.Table:
    """A table of instant queries, one row per series, labels as columns."""
    targets = [attr.evolve(t, instant=True, format=G.TABLE_TARGET_FORMAT) for t in _targets(queries)]
    transformations = [{"id": "merge", "options": {}}] if len(targets) > 1 else []
    transformations.append({"id": "organize", "options": {"excludeByName": dict.fromkeys(hide, True)}})
    panel = Table(
        title=title, description=description, unit=unit, dataSource=DATASOURCE, targets=targets,
        transformations=transformations, extraJson=_data_links(links),
        sortBy=[G.TableSortByField(displayName=sort_by, desc=True)] if sort_by else [],
    )
    return _sized(panel, width, height, suppress)


@attr.s
class Heatmap(Panel):
    """Grafana's current heatmap panel (grafanalib 0.7 only knows the legacy one), fed by histogram buckets."""

    unit = attr.ib(default="s")

    def to_json_data(self):
        return self.panel_json({
            "type": "heatmap",
            "fieldConfig": {"defaults": {"unit": self.unit, "custom": {"scaleDistribution": {"type": "linear"}}}},
            "options": {
                "calculate": False,
                "cellGap": 1,
                "color": {"mode": "scheme", "scheme": "Oranges", "scale": "exponential", "exponent": 0.5,
                          "fill": "dark-orange", "steps": 64, "reverse": False},
                "exemplars": {"color": "rgba(255,0,255,0.7)"},
                "filterValues": {"le": 1e-9},
                "legend": {"show": True},
                "rowsFrame": {"layout": "auto"},
                "tooltip": {"mode": "single", "yHistogram": True, "showColorScale": False},
                "yAxis": {"axisPlacement": "left", "unit": self.unit, "reverse": False},
            },
        })


def heatmap(title: str, description: str, unit: str, query, *, width: int = 24, height: int = 9,
            suppress: dict[str, str] | None = None) -> Heatmap:
    """A heatmap of a histogram's buckets; ``query`` must return one series per ``le``."""
    t = _as_target(query) if isinstance(query, G.Target) else target(query, "{{le}}", heatmap=True)
    t = attr.evolve(t, format="heatmap", legendFormat=t.legendFormat or "{{le}}")
    panel = Heatmap(title=title, description=description, unit=unit, dataSource=DATASOURCE, targets=_targets([t]))
    return _sized(panel, width, height, suppress)


def bar_gauge(title: str, description: str, unit: str, query, *, width: int = 12, height: int = 8,
              steps: list[dict] | None = None, suppress: dict[str, str] | None = None) -> G.Panel:
    """Horizontal bars, one per series, for rankings (top models, top features). Without ``steps`` a bar's colour
    runs green-yellow-red over the panel's range (a ranking); with ``steps`` it is the colour of the step its value
    reaches (Grafana's colour mode ``thresholds``: a continuous scheme would ignore the steps)."""
    panel = _BarGauge(title=title, description=description, unit=unit, dataSource=DATASOURCE,
                      targets=_targets([query]), thresholds=steps or thresholds((None, GREEN)),
                      color_mode="thresholds" if steps else "continuous-GrYlRd")
    return _sized(panel, width, height, suppress)


@attr.s
class _BarGauge(Panel):
    """Grafana's current bar gauge (grafanalib 0.7 emits the pre-7 ``fieldOptions`` form)."""

    unit = attr.ib(default="")
    color_mode = attr.ib(default="continuous-GrYlRd")

    def to_json_data(self):
        return self.panel_json({
            "type": "bargauge",
            "fieldConfig": {"defaults": {"unit": self.unit, "min": 0, "color": {"mode": self.color_mode}}},
            "options": {
                "displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True, "valueMode": "color",
                "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            },
        })


def _data_links(links: list[dict] | None) -> dict | None:
    """Data links live on the fields (a click on a series), not on the panel header."""
    return {"fieldConfig": {"defaults": {"links": list(links)}}} if links else None


def panel_link(title: str, uid: str, *variables: str) -> dict:
    """A data link from a panel to another dashboard, keeping the time range and the clicked series' labels."""
    params = "&".join(["${__url_time_range}", "var-datasource=${datasource}"]
                      + [f"var-{v}=${{__field.labels.{v}}}" for v in variables])
    # The schema types field links like dashboard links, so they carry every key a DashboardLink requires.
    return {"title": title, "url": f"/d/{uid}?{params}", "type": "link", "icon": "dashboard", "tooltip": title,
            "tags": [], "asDropdown": False, "targetBlank": False, "includeVars": False, "keepTime": False}


# ---------------------------------------------------------------------------------------------------------------
# Kept as written: what no helper expresses (imported dashboards)

VERBATIM = "__verbatim__"  # generator.normalize passes a panel, variable or link carrying this key through as is


@attr.s
class Verbatim(Panel):
    """A panel kept exactly as Grafana wrote it, but for the id and position the layout gives."""

    json = attr.ib(factory=dict)

    def to_json_data(self):
        return {**self.json, "id": self.id, "gridPos": self.gridPos, VERBATIM: True}


def verbatim(panel: dict, *, width: int = 12, height: int = 8, suppress: dict[str, str] | None = None) -> Verbatim:
    """A panel of any type and any options, as JSON: the escape hatch for what the helpers do not draw.
    Its ``id`` and ``gridPos`` are ignored; the layout places it (``width``, ``height``, and :func:`at`)."""
    body = {k: v for k, v in panel.items() if k not in ("id", "gridPos")}
    return _sized(Verbatim(title=body.get("title") or "", json=body), width, height, suppress)


def verbatim_item(item: dict) -> dict:
    """A variable or a dashboard link kept exactly as written."""
    return {**item, VERBATIM: True}


def at(x: int, y: int, panel):
    """``panel`` at column ``x`` and grid line ``y`` of the dashboard, where the automatic flow would put it
    elsewhere (overlaps, gaps, panels side by side of different heights)."""
    return attr.evolve(panel, grid_at=(x, y))


# ---------------------------------------------------------------------------------------------------------------
# Variables and links


def datasource_variable(default: str = "Prometheus") -> G.Template:
    """The ``datasource`` variable every panel and variable query of a house dashboard uses."""
    return G.Template(name=DATASOURCE_VARIABLE, label="Data source", type="datasource", query="prometheus",
                      default=default, hide=0)


def query_variable(name: str, label: str, query: str, *, multi: bool = True, include_all: bool = True) -> G.Template:
    """A variable filled from Prometheus (``label_values(metric, label)``); "All" matches every value."""
    return G.Template(name=name, label=label, query=query, dataSource=DATASOURCE, multi=multi,
                      includeAll=include_all, allValue=".*" if include_all else None, refresh=2, sort=1,
                      default="All" if include_all else "")


def link(title: str, uid: str) -> G.DashboardLink:
    """A link to another dashboard of this repository that keeps the time range and variables."""
    return G.DashboardLink(title=title, uri=f"/d/{uid}", type="link", keepTime=True, includeVars=True,
                           icon="dashboard", tooltip=f"Open {title}")


# ---------------------------------------------------------------------------------------------------------------
# Rows and dashboards


@dataclass
class Row:
    """A titled band of panels; panels flow left to right and wrap at the grid's width. A row titled None has no
    header (the panels above a dashboard's first row); ``at`` is the header's grid line where not the next one;
    ``extra`` holds more keys of the row's JSON, kept as written (``repeat``, ...)."""

    title: str | None
    panels: list = field(default_factory=list)
    collapsed: bool = False
    declared_at: Location | None = field(default=None, compare=False, repr=False)
    at: int | None = None
    extra: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)  # LeftOut markers given among the panels


def row(title: str | None, *panels, collapsed: bool = False, at: int | None = None, extra: dict | None = None) -> Row:
    return Row(title, [p for p in panels if not isinstance(p, LeftOut)], collapsed, declared_at=_here(), at=at,
               extra=dict(extra or {}), left_out=[p for p in panels if isinstance(p, LeftOut)])


@attr.s
class _Dashboard(Dashboard):
    settings = attr.ib(factory=dict)  # more dashboard keys, kept as written (imported dashboards)
    left_out = attr.ib(factory=list, eq=False, repr=False)  # panels not built, and why (not in the JSON)

    def to_json_data(self):
        return {**super().to_json_data(), **self.settings}


def dashboard(uid: str, title: str, description: str, rows: list[Row], *, variables: list[G.Template] = (),
              links: list[G.DashboardLink] = (), tags: list[str] = (), time_from: str = "now-6h",
              refresh: str = "1m", time_to: str = "now", timezone: str = "browser",
              graph_tooltip: int = G.GRAPH_TOOLTIP_MODE_SHARED_CROSSHAIR, sort_tags: bool = True,
              add_datasource: bool = True, annotations: list[dict] | None = None,
              settings: dict | None = None) -> G.Dashboard:
    """Assemble a dashboard: datasource variable first, panels laid out row by row, ids numbered in order.

    An imported dashboard keeps its own: no added datasource variable (``add_datasource``), its tag order, its
    annotations, and other ``settings`` (``timepicker``, ``editable``, ...) as written."""
    names = [v.get("name") if isinstance(v, dict) else v.name for v in variables]
    if add_datasource and (not names or names[0] != DATASOURCE_VARIABLE):
        variables = [datasource_variable(), *variables]
    panels = layout(rows)
    return _Dashboard(
        uid=uid, title=title, description=description, tags=sorted(tags) if sort_tags else list(tags),
        panels=panels, templating=G.Templating(list=list(variables)), links=list(links), refresh=refresh,
        time=G.Time(time_from, time_to), timezone=timezone, graphTooltip=graph_tooltip,
        annotations=G.Annotations(list=list(annotations or [])), settings=dict(settings or {}),
        declared_at=_here(), left_out=[lo for r in rows for lo in r.left_out],
    )


def layout(rows: list[Row]) -> list:
    """Give every panel a gridPos and an id: rows stack vertically, panels fill each row left to right.

    A pure function of the declaration order, so the same module always yields the same ids and positions.
    A collapsed row holds its panels (placed as they will be when it is opened); a panel given a place with
    :func:`at` keeps it, and the next row starts below the lowest panel.
    """
    out = []
    y = 0
    next_id = 1
    for r in rows:
        header = None
        if r.title is not None:
            y = y if r.at is None else r.at
            header = _row_panel(r, next_id, y)
            next_id += 1
            y += 1
        top, x, line_height, bottom = y, 0, 0, y
        children = []
        for panel in r.panels:
            width, height = panel.grid_size if hasattr(panel, "grid_size") else (12, 8)
            if getattr(panel, "grid_at", None) is not None:
                px, py = panel.grid_at
            else:
                if x + width > GRID_WIDTH:
                    x, y, line_height = 0, y + line_height, 0
                px, py = x, y
                x += width
                line_height = max(line_height, height)
            children.append(attr.evolve(panel, id=next_id, gridPos=G.GridPos(h=height, w=width, x=px, y=py)))
            next_id += 1
            bottom = max(bottom, py + height)
        y = max(y + line_height, bottom)
        if header is not None and r.collapsed:
            out.append(attr.evolve(header, json={**header.json, "panels": children}) if isinstance(header, Verbatim)
                       else attr.evolve(header, panels=children))
            y = top
        else:
            out += ([header] if header is not None else []) + children
    return out


def _row_panel(r: Row, panel_id: int, y: int):
    grid = G.GridPos(h=1, w=GRID_WIDTH, x=0, y=y)
    if r.extra:
        return Verbatim(json={"type": "row", "title": r.title, "collapsed": r.collapsed, "panels": [], **r.extra},
                        id=panel_id, gridPos=grid, declared_at=r.declared_at)
    return RowPanel(title=r.title, collapsed=r.collapsed, id=panel_id, gridPos=grid, declared_at=r.declared_at)

