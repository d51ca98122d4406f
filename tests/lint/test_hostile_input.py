"""Any JSON or YAML file, however malformed, gives problems or a clear usage error, never a traceback."""

import json
import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.lint import lint_files
from generator.lint.documents import InputError
from tests.lint.helpers import CATALOG, dashboard, panel

KEYS = ["panels", "targets", "expr", "legendFormat", "gridPos", "x", "y", "w", "h", "id", "type", "title",
        "datasource", "uid", "templating", "list", "name", "query", "links", "url", "groups", "rules", "alert",
        "record", "for", "labels", "annotations", "summary", "fieldConfig", "defaults", "unit", "lintIgnore",
        "dashboard", "refId", "collapsed", "interval"]
EXPRS = st.sampled_from([
    "sum(rate(ai_requests_total[5m]))", "(" * 200 + "x" + ")" * 200, "x" + "+x" * 3000, "rate(", "{{", "$",
    "${", "[[x", "label_values(", 'x{a=~"("}', "histogram_quantile(0.9, x_bucket)", "abs(" * 70 + "x" + ")" * 70,
    "topk($n, x)", "x[$__rate_interval:$__interval] offset $off", "1/0 > bool NaN", "{__name__=~\".+\"}",
])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=30), EXPRS)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner,
                                                 max_size=6)), max_leaves=40)
documents = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), values, max_size=6).map(lambda d: {"panels": [], **d}),
    st.dictionaries(st.sampled_from(KEYS), values, max_size=6).map(lambda d: {"groups": [], **d}),
    st.builds(lambda p: {"groups": [{"name": "g", "rules": p}]}, st.lists(st.dictionaries(st.sampled_from(KEYS),
                                                                                          values, max_size=6))),
    st.builds(lambda p: dashboard(*p), st.lists(st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
                                                .map(lambda d: {**panel(), **d}), max_size=3)),
    values,
)


def _lint(tmp_path, name: str, content: bytes):
    path = os.path.join(tmp_path, name)
    with open(path, "wb") as fh:
        fh.write(content)
    try:
        report = lint_files([path], CATALOG)
    except InputError as e:
        assert str(e).startswith(path)
        return None
    crashed = [p.message for p in report.problems if p.check == "lint/internal-error"]
    assert crashed == []
    return report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents)
def test_generated_json_never_crashes(tmp_path, doc):
    _lint(tmp_path, "doc.json", json.dumps(doc).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents)
def test_generated_yaml_never_crashes(tmp_path, doc):
    _lint(tmp_path, "doc.yml", yaml.safe_dump(doc).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_binary_junk_is_a_usage_error_or_linted(tmp_path, raw):
    _lint(tmp_path, "junk.yml", raw)
    _lint(tmp_path, "junk.json", raw)


def test_specific_nasties(tmp_path):
    nasty = [
        b"[" * 100000 + b"]" * 100000,
        b"a: &a [*a, *a]\ngroups: *a\n",
        b"groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: " + b"x + " * 5000 + b"x\n",
        json.dumps({"panels": [{"targets": [{"expr": "(" * 5000 + "x" + ")" * 5000}]}]}).encode(),
        json.dumps({"panels": [{"type": "row", "panels": [{"type": "row", "panels": "x"}]}]}).encode(),
        b"---\ngroups: []\n---\ngroups: []\n",
        b"groups:\n  - {name: g, rules: [{alert: X, expr: 'up == 0', for: [1], labels: [a], annotations: 3}]}\n",
        b'{"dashboard": {"panels": null, "templating": {"list": [1, {"name": 2}, {"name": "v", "query": {}}]}}}',
    ]
    for i, content in enumerate(nasty):
        _lint(tmp_path, f"nasty{i}.{'json' if content[:1] in b'[{' else 'yml'}", content)
