"""The fast JSON writer writes exactly what json.dumps(sort_keys=True, indent=2, ensure_ascii=False) writes."""

import gc
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.jsonout import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
values = st.recursive(scalars,
                      lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
                      max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(values)
def test_same_characters_as_json_dumps(value):
    assert dumps(value) == json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)


def test_special_floats_and_unicode():
    value = {"b": [math.inf, -math.inf, 1e-9, 0.1], "a": "é \u2028 \"quoted\"\n", "c": {}, "d": []}
    assert dumps(value) == json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("bad", [{1: "int key"}, {"x": object()}, {"x": {1, 2}}])
def test_non_json_values_are_refused(bad):
    with pytest.raises(TypeError):
        dumps(bad)


def test_leaves_nothing_for_the_garbage_collector():
    """A build writes hundreds of dashboards: each output's pieces go as soon as it is written, not when the cyclic
    garbage collector next runs (a self-calling closure made a cycle per call, and a build's peak memory grew)."""
    gc.collect()
    gc.disable()
    try:
        dumps({"panels": [{"targets": [{"expr": "up"}]}] * 100})
        assert gc.collect() == 0
    finally:
        gc.enable()
