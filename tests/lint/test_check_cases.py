"""One runner for every check's cases: the cases file beside each check, and the examples of its docstring.

``generator/lint/checks/<module>.cases.yml`` holds failing and passing inputs with the exact problems the check
reports, as ``python -m generator lint --format text`` prints them (the format: tests/lint/cases.py). Each case
is a test named ``<check>: <case name>``; when one fails, the message ends with the lines the linter printed,
as a ``problems:`` block ready to paste into the cases file (after reading them: a wrong message is a bug of the
check, not a new expectation).

The "Failing example:" and "Passing example:" of each check's docstring run too, as
``<check>: docstring failing example`` (reported by the check) and ``... passing example`` (not reported); how
an example is read: tests/lint/examples.py.
"""

from __future__ import annotations

import glob
import os

import pytest

from generator.lint.registry import CHECKS
from generator.problems import format_problem
from tests.lint.cases import CHECK_DIR, SUFFIX, cases_path, crashes, lines_of, lint_case, load_cases, paste
from tests.lint.examples import example_case, examples

BY_MODULE = {m.__name__.rsplit(".", 1)[-1]: m for m in CHECKS}
# A docstring example is read as meant only when none of these report it (unless it is its check's example).
UNREAD = {"promql/syntax-error", "promql/experimental-syntax", "dashboard/invalid-structure", "alert/invalid-rule",
          "lint/unreadable-file", "catalog/invalid", "catalog/unreadable"}


def _all_cases() -> list:
    params = []
    for path in sorted(glob.glob(os.path.join(CHECK_DIR, "*" + SUFFIX))):
        module = BY_MODULE.get(os.path.basename(path)[: -len(SUFFIX)])
        if module is not None:  # a cases file without a check fails test_every_cases_file_has_a_check
            for case in load_cases(path):
                params.append(pytest.param(module, case, id=f"{module.NAME}: {case['name']}"))
    return params


def _all_examples() -> list:
    return [pytest.param(module, kind, text, id=f"{module.NAME}: docstring {kind} example")
            for module in CHECKS for kind, text in examples(module).items()]


@pytest.mark.parametrize("module, case", _all_cases())
def test_case(tmp_path, module, case):
    problems = lint_case(case, tmp_path)
    assert crashes(problems) == []
    actual = lines_of(problems, module.NAME)
    assert actual == case["problems"], (
        f"{os.path.relpath(cases_path(module))}, case {case['name']!r}: the linter printed\n{paste(actual)}")


@pytest.mark.parametrize("module, kind, text", _all_examples())
def test_docstring_example(tmp_path, module, kind, text):
    case = example_case(module, text)
    problems = lint_case(case, tmp_path)
    assert crashes(problems) == []
    actual = lines_of(problems, module.NAME)
    unread = [format_problem(p) for p in problems if p.check in UNREAD - {module.NAME}]
    linted = case.get("input") or case["catalog_input"]
    assert bool(actual) == (kind == "failing") and not unread, (
        f"the {kind} example of {module.NAME} is {'not ' if kind == 'failing' else ''}reported, or not read as "
        f"meant ({unread}); it was linted "
        f"as\n{linted}\nand gave\n" + "\n".join(format_problem(p) for p in problems))


def test_every_check_has_failing_and_passing_cases():
    missing = []
    for module in CHECKS:
        path = cases_path(module)
        if not os.path.exists(path):
            missing.append(f"{module.NAME}: no {os.path.relpath(path)}")
            continue
        cases = load_cases(path)
        if not any(c["problems"] for c in cases):
            missing.append(f"{module.NAME}: no failing case (one with problems)")
        if not any(c["problems"] == [] for c in cases):
            missing.append(f"{module.NAME}: no passing case (problems: [])")
    assert missing == []


def test_every_cases_file_has_a_check():
    files = {os.path.basename(p)[: -len(SUFFIX)] for p in glob.glob(os.path.join(CHECK_DIR, "*" + SUFFIX))}
    assert sorted(files - set(BY_MODULE)) == []
