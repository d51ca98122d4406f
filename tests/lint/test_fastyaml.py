"""The fast YAML loader returns exactly what yaml.safe_load returns, or steps aside."""

import textwrap

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.lint import fastyaml
from generator.lint.documents import load_yaml

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
           | st.sampled_from(["yes", "no", "on", "off", "~", "null", "0x1F", "0o17", "1:20", "2001-12-14", "1e3",
                              ".inf", "-.inf", "010", "+5", "5m", "1h30m", "{{ $value }}", "a: b", "- x", "#"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans(), st.sampled_from([None, "'", '"', "|"]))
def test_same_data_as_safe_load(value, flow, style):
    text = yaml.safe_dump({"groups": value}, default_flow_style=flow, default_style=style, allow_unicode=True)
    expected = yaml.safe_load(text)
    try:
        data, _ = fastyaml.load(text)
    except fastyaml.Unsupported:
        return
    assert data == expected


def test_plain_scalars_resolve_like_pyyaml():
    text = "a: yes\nb: 0x1F\nc: 1:20\nd: 2001-12-14\ne: ~\nf:\ng: '5'\nh: 5m\ni: .inf\nj: 1_000\n"
    assert fastyaml.load(text)[0] == yaml.safe_load(text)


def test_lines_of_mappings():
    text = textwrap.dedent("""\
        groups:
          - name: g
            rules:
              - alert: A
                expr: up == 0
    """)
    data, lines = fastyaml.load(text)
    rule = data["groups"][0]["rules"][0]
    assert lines[id(data)] == 1 and lines[id(data["groups"][0])] == 2 and lines[id(rule)] == 4


@pytest.mark.parametrize("text", [
    "base: &b {x: 1}\nother: *b\n",
    "a: {<<: {x: 1}, y: 2}\n",
    "a: !!binary aGVsbG8=\n",
    "--- 1\n--- 2\n",
    "? [a, b]\n: c\n",
])
def test_unusual_yaml_falls_back_to_pyyaml(text):
    with pytest.raises(fastyaml.Unsupported):
        fastyaml.load(text)
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        return
    except TypeError:  # an unhashable key: the full loader refuses it too
        return
    assert load_yaml(text)[0] == expected


def test_invalid_yaml_raises_yaml_error():
    with pytest.raises(yaml.YAMLError):
        fastyaml.load("a: [unclosed\n")
