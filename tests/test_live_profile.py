"""The time-compressed profile is a transformation of the project's own rule objects, not a second copy."""

from __future__ import annotations

import promql_parser
import pytest
from conftest import ROOT

from generator import durations
from generator.build import compile_project
from generator.live.config import rule_files
from generator.live.profile import COMPRESSED, compress_groups, scale_expr
from generator.project import Project


@pytest.mark.parametrize("expr, expected", [
    ("rate(x_total[5m])", "rate(x_total[5s])"),
    ("increase(c_total[1h] offset 1d)", "increase(c_total[1m] offset 24m)"),
    ("max_over_time(up[1h:5m])", "max_over_time(up[1m:5s])"),
    ("max_over_time(up[1h:])", "max_over_time(up[1m:])"),
    ("rate(x_total[1h30m] offset -2h)", "rate(x_total[1m30s] offset -2m)"),
    ("x{job=\"a[5m]\"} > 1", "x{job=\"a[5m]\"} > 1"),
])
def test_scale_expr(expr, expected):
    assert scale_expr(expr, 60) == expected


def test_strings_that_look_like_windows_are_left_alone():
    expr = 'rate(x_total[5m]) + on() label_replace(vector(1), "a", "[5m] offset 1h", "", "")'
    assert scale_expr(expr, 60) == 'rate(x_total[5s]) + on() label_replace(vector(1), "a", "[5m] offset 1h", "", "")'


def test_the_project_rules_compress_and_keep_everything_else():
    groups = [g for r in compile_project(Project.find(ROOT)).rules for g in r.groups]
    before = [(a.name, a.expr, a.for_) for g in groups for a in g.rules if hasattr(a, "for_")]
    compressed = COMPRESSED.groups(groups)
    assert [(a.name, a.expr, a.for_) for g in groups for a in g.rules if hasattr(a, "for_")] == before
    # spend budgets weigh rates against the calendar, which cannot run faster: left out
    assert {g.name for g in groups if g.wall_clock} == {"slo-monthly-spend"}
    assert [g.name for g in compressed] == [g.name for g in groups if not g.wall_clock]
    for original, fast in zip([g for g in groups if not g.wall_clock], compressed, strict=True):
        assert [type(r) for r in original.rules] == [type(r) for r in fast.rules]
        for a, b in zip(original.rules, fast.rules, strict=True):
            promql_parser.parse(b.expr)
            assert b.labels == a.labels
            if hasattr(a, "for_"):
                assert durations.parse(b.for_) * 60 == durations.parse(a.for_)
                assert (b.name, b.severity, b.summary, b.description) == (a.name, a.severity, a.summary, a.description)
            # Scaling back restores the expression exactly: only windows changed.
            assert compress_groups([type(fast)(fast.name, [b])], 1 / 60)[0].rules[0].expr == a.expr


def test_rule_files_leave_out_promtool_tests(tmp_path):
    for name in ("ai_service.yml", "ai_service.test.yml", "other.yaml", "notes.txt"):
        (tmp_path / name).write_text("groups: []\n")
    assert [p.rsplit("/", 1)[1] for p in rule_files(str(tmp_path))] == ["ai_service.yml", "other.yaml"]
