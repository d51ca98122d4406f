"""docs/ says what the code does: the generated reference and check pages are current, every command, flag and
`[tool.generator]` key is documented, and every command, flag and key the docs and the README name exists."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import tomllib

import pytest

from generator.cli import build_parser
from generator.lint.registry import CHECKS
from generator.project import DEFAULTS
from generator.refdocs import cli_ref
from generator.refdocs.commands import pages, stale
from generator.refdocs.pages import VARIABLES
from tests.conftest import ROOT

DOCS = os.path.join(ROOT, "docs")
TOOL = re.compile(r"(?:ai-monitoring-as-code|aimac|python -m generator)((?: --root \S+)?) ([a-z][a-z-]*)([^`\n|]*)")


def _texts() -> dict[str, str]:
    files = [os.path.join(ROOT, "README.md"), *glob.glob(os.path.join(DOCS, "**", "*.md"), recursive=True)]
    return {os.path.relpath(f, ROOT): open(f, encoding="utf-8").read() for f in files}


def test_the_generated_pages_are_current():
    assert stale(DOCS, pages(build_parser())) == [], "run `ai-monitoring-as-code docs` and commit docs/"


def test_docs_check_fails_on_a_stale_page(tmp_path):
    for rel, text in pages(build_parser()).items():
        os.makedirs(tmp_path / os.path.dirname(rel), exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "reference" / "cli.md").write_text("old\n")
    (tmp_path / "checks" / "promql-gone.md").write_text("a check that was removed\n")
    result = subprocess.run([sys.executable, "-m", "generator", "docs", "--check", "--out", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "reference/cli.md: differs" in result.stderr and "checks/promql-gone.md: no such check" in result.stderr


def test_one_page_per_check_and_no_other():
    names = {os.path.basename(p) for p in glob.glob(os.path.join(DOCS, "checks", "*.md"))} - {"README.md"}
    assert names == {c.NAME.replace("/", "-") + ".md" for c in CHECKS}


def test_every_command_and_flag_is_in_the_reference():
    reference = open(os.path.join(DOCS, "reference", "cli.md"), encoding="utf-8").read()
    commands = cli_ref.subcommands(build_parser())
    for name in commands:
        assert f"\n## {name}\n" in reference
    flags = {f.rsplit(" ", 1)[-1] for f in cli_ref.every_flag(build_parser()) if f.rsplit(" ", 1)[-1].startswith("-")}
    assert [f for f in sorted(flags) if f"`{f}" not in reference] == []


def test_every_command_and_flag_the_docs_name_exists():
    parser = build_parser()
    commands = cli_ref.subcommands(parser)
    known = {name: {o for a in cli_ref.flags(sub) for o in a.option_strings} for name, (_, sub) in commands.items()}
    nested = {f"{name} {child}": {o for a in cli_ref.flags(p) for o in a.option_strings}
              for name, (_, sub) in commands.items() if name in ("stack",)
              for child, (_, p) in cli_ref.subcommands(sub).items()}
    global_flags = {o for a in cli_ref.flags(parser) for o in a.option_strings}
    wrong = []
    for rel, text in _texts().items():
        for match in TOOL.finditer(text):
            command, rest = match.group(2), match.group(3)
            if command not in commands:
                wrong.append(f"{rel}: command {command!r}")
                continue
            allowed = known[command] | global_flags
            child = rest.split()[0] if rest.split() else ""
            allowed |= nested.get(f"{command} {child}", set())
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                if flag not in allowed:
                    wrong.append(f"{rel}: {command} {flag}")
    assert wrong == []


def test_every_key_is_documented_and_every_key_the_docs_set_exists():
    reference = open(os.path.join(DOCS, "reference", "configuration.md"), encoding="utf-8").read()
    assert [k for k in DEFAULTS if f"| `{k}` |" not in reference] == []
    wrong = []
    for rel, text in _texts().items():
        for block in re.findall(r"```toml\n(.*?)```", text, flags=re.S):
            table = tomllib.loads(block).get("tool", {}).get("generator", {})
            wrong += [f"{rel}: {k}" for k in table if k not in DEFAULTS]
    assert wrong == []


def test_every_environment_variable_the_engine_reads_is_documented():
    named = set()
    for path in glob.glob(os.path.join(ROOT, "generator", "**", "*.py"), recursive=True):
        with open(path, encoding="utf-8") as fh:
            named |= set(re.findall(r'"((?:GENERATOR|GRAFANA|RULER|PROMTOOL)[A-Z_]*)"', fh.read()))
    assert sorted(named - set(VARIABLES)) == []


def test_the_support_matrix_names_tests_that_exist_and_the_python_of_pyproject():
    matrix = open(os.path.join(DOCS, "support.md"), encoding="utf-8").read()
    for test in re.findall(r"`(tests/[\w/]+\.py)`", matrix):
        assert os.path.isfile(os.path.join(ROOT, test)), test
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        requires = tomllib.load(fh)["project"]["requires-python"]
    assert f'`requires-python = "{requires}"`' in matrix


def test_links_between_pages_resolve():
    broken = []
    for rel, text in _texts().items():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://")):
                continue
            if not os.path.exists(os.path.normpath(os.path.join(ROOT, os.path.dirname(rel), target))):
                broken.append(f"{rel}: {target}")
    assert broken == []


@pytest.mark.parametrize("name", ["promql/raw-counter", "raw-counter", "catalog-bucket-scale-mismatch"])
def test_lint_explain_prints_the_checks_page(name):
    result = subprocess.run([sys.executable, "-m", "generator", "lint", "--explain", name], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    page = os.path.join(DOCS, "checks", result.stdout.splitlines()[0][2:].replace("/", "-") + ".md")
    assert result.stdout == open(page, encoding="utf-8").read()
