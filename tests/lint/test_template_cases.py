"""The cases of the template checks (``generator/lint/checks/alert_template_*.cases.yml``): each input is linted
as input.yml and the check's problems must be exactly the listed ones. A stand-in until the shared case runner
reads every check's cases file."""

from __future__ import annotations

import glob
import os

import pytest
import yaml

from generator.lint import lint_files
from generator.problems import format_problem
from tests.conftest import ROOT
from tests.lint.helpers import CATALOG

FILES = sorted(glob.glob(os.path.join(ROOT, "generator", "lint", "checks", "alert_template_*.cases.yml")))


def _cases():
    for path in FILES:
        check = "alert/" + os.path.basename(path)[len("alert_"):-len(".cases.yml")].replace("_", "-")
        with open(path, encoding="utf-8") as fh:
            for case in yaml.safe_load(fh):
                yield pytest.param(check, case, id=f"{check}: {case['name']}")


def test_both_template_checks_have_cases():
    assert len(FILES) == 2


@pytest.mark.parametrize("check, case", list(_cases()))
def test_case(tmp_path, monkeypatch, check, case):
    (tmp_path / "input.yml").write_text(case["input"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = lint_files(["input.yml"], CATALOG if case.get("catalog", True) else None)
    assert [format_problem(p) for p in report.problems if p.check == check] == case["problems"]
    assert not [p for p in report.problems if p.check == "lint/internal-error"]
