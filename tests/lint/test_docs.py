"""Every check is documented next to its code in the same four sections, and named area/name after its module."""

import os

import pytest

from generator.lint.problem import SEVERITIES
from generator.lint.registry import AREAS, CHECKS, DOC_SECTIONS, check_names

CHECK_DIR = os.path.join(os.path.dirname(CHECKS[0].__file__))


def missing_sections(doc: str) -> list[str]:
    """The sections a docstring lacks, out of order, or leaves empty."""
    missing, position = [], 0
    for i, heading in enumerate(DOC_SECTIONS):
        at = doc.find("\n" + heading, position)
        if at < 0:
            missing.append(heading)
            continue
        end = doc.find("\n" + DOC_SECTIONS[i + 1], at) if i + 1 < len(DOC_SECTIONS) else len(doc)
        if not doc[at + len(heading) + 1:end if end > 0 else len(doc)].strip():
            missing.append(heading + " (empty)")
        position = at + 1
    return missing


def test_the_section_test_can_fail():
    assert missing_sections("x: y\n\nWhat it catches:\n    a\n\nWhy it matters:\n") == [
        "Why it matters: (empty)", "Failing example:", "Passing example:"]


@pytest.mark.parametrize("module", CHECKS, ids=[c.NAME for c in CHECKS])
def test_check_is_documented(module):
    doc = module.__doc__ or ""
    assert doc.startswith(module.NAME + ": "), "the docstring starts with `area/name: summary`"
    assert missing_sections(doc) == []
    area, name = module.NAME.split("/")
    assert area in AREAS
    assert module.__name__.rsplit(".", 1)[-1] == f"{area}_{name.replace('-', '_')}"
    assert module.SEVERITY in SEVERITIES
    assert module.ENTRY in ("query", "panel", "dashboard", "rule", "ruleset", "catalog")


def test_every_check_module_is_registered():
    modules = {f[:-3] for f in os.listdir(CHECK_DIR) if f.endswith(".py") and not f.startswith("_")}
    assert modules == {c.__name__.rsplit(".", 1)[-1] for c in CHECKS}
    assert len(check_names()) == len(CHECKS)


def test_the_checks_index_lists_every_check():
    with open(os.path.join(os.path.dirname(CHECK_DIR), "..", "..", "docs", "checks", "README.md"),
              encoding="utf-8") as fh:
        index = fh.read()
    rows = {c.NAME: f"[`{c.NAME}`]({c.NAME.replace('/', '-')}.md) | {c.SEVERITY} |" for c in CHECKS}
    assert [name for name, row in rows.items() if row not in index] == []
