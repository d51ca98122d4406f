"""generator/grafana/model.py: Grafana's variable syntax, variable queries and panel walk, on small cases and on
real dashboards from ../shared/realworld/dashboards."""

from __future__ import annotations

import json
import os

import pytest

from generator.grafana import model
from tests.conftest import ROOT

REALWORLD = os.path.join(ROOT, "..", "shared", "realworld", "dashboards")


# ---------------------------------------------------------------------------------------------------------------
# Variable syntax


@pytest.mark.parametrize("text, expected", [
    ("rate(x{a=\"$var\"}[5m])", [("var", None, None)]),
    ("${var}", [("var", None, None)]),
    ("${var:regex}|${var:csv}", [("var", "regex", None), ("var", "csv", None)]),
    ("${__field.labels.pod}", [("__field", None, "labels.pod")]),
    ("[[var]] and [[other:pipe]]", [("var", None, None), ("other", "pipe", None)]),
    ("$a$b ${c} [[d]]", [("a", None, None), ("b", None, None), ("c", None, None), ("d", None, None)]),
    ("price in $5 and [[ not a var ]]", []),
    ("no variables here", []),
])
def test_references_read_every_syntax(text, expected):
    assert [(r.name, r.format, r.field) for r in model.references(text)] == expected
    assert model.variable_names(text) == [e[0] for e in expected]
    assert model.contains_variable(text) == bool(expected)


def test_references_of_a_non_string_are_none():
    assert model.references(None) == [] and model.references({"uid": "$ds"}) == []


def test_substitute_replaces_what_it_knows_and_leaves_the_rest():
    values = {"job": "api", "window": "5m"}
    text = 'rate(x{job="$job", env="${env}"}[${window:raw}]) [[job]]'
    assert model.substitute(text, lambda r: values.get(r.name)) == 'rate(x{job="api", env="${env}"}[5m]) api'


def test_globals():
    assert model.is_global("__rate_interval") and model.is_global("__anything_grafana") and model.is_global(
        "timeFilter")
    assert not model.is_global("job")


# ---------------------------------------------------------------------------------------------------------------
# Variable queries


@pytest.mark.parametrize("text, expected", [
    ("label_values(up{job=\"x\"}, instance)", ("label_values", "up{job=\"x\"}", "instance")),
    ("  label_values ( up , job ) ", ("label_values", " up ", "job")),
    ("label_values(job)", ("label_values", None, "job")),
    ("label_values(sum by (a, b) (up), a)", ("label_values", "sum by (a, b) (up)", "a")),
    ("query_result(topk(5, sum by (pod) (rate(x[5m]))))", ("query_result", "topk(5, sum by (pod) (rate(x[5m])))",
                                                           None)),
    ("label_names()", ("label_names", None, None)),
    ("label_names(up{job=\"x\"})", ("label_names", "up{job=\"x\"}", None)),
    ("metrics(http_.*)", ("metrics", "http_.*", None)),
])
def test_parse_variable_query(text, expected):
    assert tuple(model.parse_variable_query(text)) == expected


@pytest.mark.parametrize("text", ["", "prod,staging", "up", None, 3, "label_values()"])
def test_other_queries_are_not_prometheus_functions(text):
    assert model.parse_variable_query(text) is None


@pytest.mark.parametrize("var, expected", [
    ({"query": "label_values(up, job)"}, "label_values(up, job)"),
    ({"query": {"query": "label_values(up, job)", "refId": "A"}}, "label_values(up, job)"),
    ({"query": {"qryType": 1, "metric": "up", "label": "job", "refId": "A"}}, "label_values(up, job)"),
    ({"query": {"qryType": 1, "label": "job"}}, "label_values(job)"),
    ({"query": {"qryType": 0, "metric": "up"}}, "label_names(up)"),
    ({"query": {"qryType": 2, "metric": "http_.*"}}, "metrics(http_.*)"),
    ({"query": {"qryType": 3, "varQuery": "up"}}, "query_result(up)"),
    ({"query": {"refId": "A"}}, None),
    ({"name": "x"}, None),
    ("not a variable", None),
])
def test_variable_query_reads_both_forms(var, expected):
    assert model.variable_query(var) == expected


def test_variables_skip_what_is_not_a_variable():
    assert model.variables({"templating": {"list": [{"name": "a"}, 3, None]}}) == [{"name": "a"}]
    assert model.variables({"templating": {"list": "x"}}) == [] == model.variables({}) == model.variables([])


# ---------------------------------------------------------------------------------------------------------------
# Panels


def _p(pid, kind="timeseries", **kw):
    return {"id": pid, "type": kind, **kw}


def test_walk_goes_into_rows_open_and_collapsed():
    dash = {"panels": [_p(1), _p(2, "row", collapsed=True, panels=[_p(3), _p(4)]), _p(5, "row", panels=[]), _p(6),
                       "junk"]}
    walked = [(s.panel["id"] if isinstance(s.panel, dict) else s.panel, s.index, s.row)
              for s in model.walk_panels(dash)]
    assert walked == [(1, 0, None), (2, 1, None), (3, 0, 1), (4, 1, 1), (5, 2, None), (6, 3, None), ("junk", 4, None)]
    assert [p["id"] for p in model.panels(dash)] == [1, 2, 3, 4, 5, 6]
    assert [p["id"] for p in model.panels(dash, rows=False)] == [1, 3, 4, 6]


def test_walk_reads_legacy_rows():
    dash = {"rows": [{"title": "A", "panels": [_p(1), _p(2)]}, {"title": "B", "panels": [_p(3)]}, "x", {"title": "C"}]}
    assert model.panel_list(dash) == [_p(1), _p(2), _p(3)]
    assert [(s.panel["id"], s.index, s.row) for s in model.walk_panels(dash)] == [(1, 0, None), (2, 1, None),
                                                                                  (3, 2, None)]


def test_panels_take_precedence_over_rows_and_malformed_lists_are_handed_back():
    assert model.panel_list({"panels": [_p(9)], "rows": [{"panels": [_p(1)]}]}) == [_p(9)]
    assert model.panel_list({"panels": {"id": 1}}) == {"id": 1}
    assert model.panel_list({}) is None
    assert list(model.walk_panels({"panels": {"id": 1}})) == []


def test_targets_units_links_and_datasources():
    panel = {"type": "stat", "targets": [{"refId": "A", "expr": "up"}, "x"],
             "fieldConfig": {"defaults": {"links": [{"url": "/d/b"}]},
                             "overrides": [{"properties": [{"id": "unit", "value": "s"},
                                                           {"id": "links", "value": [{"url": "/d/c"}, 1]}]}]},
             "links": [{"url": "/d/a"}]}
    assert model.targets(panel) == [{"refId": "A", "expr": "up"}]
    assert model.panel_unit(panel) == "s"
    assert model.panel_unit({"yaxes": [{"format": "bytes"}]}) == "bytes"
    assert model.panel_unit({"type": "graph"}) is None
    assert [link["url"] for link in model.panel_links(panel)] == ["/d/a", "/d/b", "/d/c"]
    assert model.is_data_panel(panel) and not model.is_data_panel({"type": "row"})
    assert not model.is_data_panel({"type": "stat", "libraryPanel": {"uid": "x"}})
    assert model.datasource_type({"type": "Prometheus", "uid": "x"}) == "prometheus"
    assert model.datasource_type("Prometheus") == ""
    assert model.datasource_ref({"uid": None, "name": "n"}) == "n" and model.datasource_ref("s") == "s"
    assert list(model.datasource_texts({"uid": "${ds}", "name": "n", "type": "t"})) == ["${ds}", "n"]


# ---------------------------------------------------------------------------------------------------------------
# Real dashboards: the walk finds every panel a plain count of the JSON finds


def _count_panels(node, under_panels=False) -> int:
    """Every object that is an element of a list stored under the key ``panels``, anywhere in the document."""
    if isinstance(node, dict):
        return (1 if under_panels else 0) + sum(_count_panels(v, k == "panels" and isinstance(v, list))
                                                for k, v in node.items())
    if isinstance(node, list):
        return sum(_count_panels(v, under_panels) for v in node)
    return 0


REAL = [
    "dotdc__dashboards__k8s-views-global.json",  # flat panels
    "mixins-website__assets__argo-cd-2__dashboards__argo-cd-operational-overview.json",  # collapsed rows
    "mimir__operations__mimir-mixin-compiled__dashboards__mimir-alertmanager.json",  # legacy rows
    "mimir__operations__mimir-mixin-compiled__dashboards__mimir-writes.json",  # legacy rows
]


@pytest.mark.parametrize("name", REAL)
def test_real_dashboards_are_walked_whole(name):
    path = os.path.join(REALWORLD, name)
    if not os.path.isfile(path):
        pytest.skip(f"{path} not found (../shared/realworld)")
    with open(path, encoding="utf-8") as fh:
        dash = json.load(fh)
    expected = _count_panels(dash)
    assert expected > 5
    assert len(model.panels(dash)) == expected
    shapes = {"collapsed": any(s.row is not None for s in model.walk_panels(dash)), "legacy": "panels" not in dash}
    if "argo-cd" in name:
        assert shapes["collapsed"]
    if "mimir" in name:
        assert shapes["legacy"]
