"""Reading a check's cases file and linting one case, as ``python -m generator lint --format text`` would.

A check's cases live beside it, in ``generator/lint/checks/<module>.cases.yml``: a YAML list of cases.

    - name: rate of a gauge            # required; the test id is `<check>: <name>`
      query: sum(rate(ai_active_requests[$__rate_interval]))
      problems:
        - 'input.json:47: error [promql/rate-on-gauge] dashboard test-dash (Test) › ... › target A: rate() of ...'

What is linted, at most one of:

    input: |       the full text of the linted file: a rule file (input.yml) if it parses to a mapping with
                   `groups`, else a dashboard (input.json)
    query: EXPR    a dashboard with one time series panel running EXPR (tests/lint/helpers.py: dashboard(panel()));
                   `legend: "{{x}}"` sets the target's legend
    expr: EXPR     a rule file with one alert of that expression and complete labels and annotations
                   (tests/lint/helpers.py: rules(alert()))

and the catalog it is linted against:

    catalog: true          (default) the test catalog, tests/lint/helpers.py CATALOG_DIR
    catalog: false         none, as `lint --no-catalog`: the checks that need a catalog do not run
    catalog_input: |       the text of a catalog file (metrics.yml, in the format of the test catalog). The catalog
                           itself is linted, as `python -m generator lint` lints a repository's catalog (a mistake
                           the loader refuses, such as a counter without `_total`, is what the loader reports),
                           and the input, if any, is linted against it. A case may have catalog_input and no input.

``problems`` lists every problem of THIS check, in the order the linter reports them, each exactly as the text
format prints it, file names relative to the case's directory; ``[]`` for a passing case. Problems of other
checks are ignored, except ``lint/internal-error`` (a crash), which fails any case.
"""

from __future__ import annotations

import json
import os

import yaml

from generator.catalog import load_catalog
from generator.errors import CatalogError
from generator.lint import lint_files
from generator.lint.context import Context
from generator.lint.entries import CatalogEntry
from generator.lint.problem import Place, Scope
from generator.lint.registry import CHECKS
from generator.lint.runner import Entries, run
from generator.problems import Problem, format_problem
from tests.lint.helpers import CATALOG, alert, dashboard, panel, rules

SUFFIX = ".cases.yml"
CHECK_DIR = os.path.dirname(CHECKS[0].__file__)
INPUTS = ("input", "query", "expr")
KEYS = {"name", "problems", "catalog", "catalog_input", "legend", *INPUTS}


def cases_path(module) -> str:
    return os.path.join(CHECK_DIR, module.__name__.rsplit(".", 1)[-1] + SUFFIX)


def load_cases(path: str) -> list[dict]:
    """The cases of one file, each checked for the keys above (a mistake names the file and the case)."""
    with open(path, encoding="utf-8") as fh:
        cases = yaml.safe_load(fh)
    assert isinstance(cases, list) and cases, f"{path}: expected a non-empty YAML list of cases"
    for i, case in enumerate(cases):
        where = f"{path}: case {i + 1} ({case.get('name') if isinstance(case, dict) else case!r})"
        assert isinstance(case, dict) and isinstance(case.get("name"), str), f"{where}: a mapping with a `name`"
        assert not set(case) - KEYS, f"{where}: unknown keys {sorted(set(case) - KEYS)}"
        given = [k for k in INPUTS if k in case]
        assert len(given) == 1 or (not given and "catalog_input" in case), \
            f"{where}: exactly one of input, query, expr (or only catalog_input)"
        assert "legend" not in case or "query" in case, f"{where}: `legend` goes with `query`"
        assert not ("catalog_input" in case and "catalog" in case), f"{where}: catalog or catalog_input, not both"
        problems = case.get("problems")
        assert isinstance(problems, list) and all(isinstance(p, str) for p in problems), \
            f"{where}: `problems` is a list of text lines ([] for a passing case)"
    return cases


def input_file(case: dict) -> tuple[str, str] | None:
    """(file name, text) of what a case lints, or None for a catalog-only case."""
    if "query" in case:
        return "input.json", _json(dashboard(panel(case["query"], case.get("legend", ""))))
    if "expr" in case:
        return "input.yml", yaml.safe_dump(rules(alert(case["expr"])), sort_keys=False, allow_unicode=True)
    if "input" not in case:
        return None
    text = case["input"]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise AssertionError(f"case {case['name']!r}: its input is neither YAML nor JSON") from e
    return ("input.yml" if isinstance(data, dict) and "groups" in data else "input.json"), text


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def lint_case(case: dict, directory) -> list:
    """Every problem the linter reports on the case (all checks), with file names relative to ``directory``."""
    directory = str(directory)
    problems, catalog = [], CATALOG
    if case.get("catalog") is False:
        catalog = None
    if "catalog_input" in case:
        path = _write(directory, "metrics.yml", case["catalog_input"])
        try:
            catalog = load_catalog(path)
        except CatalogError as e:  # what the command prints, and all it prints
            return [p.relative_to(directory) for p in e.problems]
        problems += lint_catalog(catalog, path)
    given = input_file(case)
    if given is not None:
        problems += lint_files([_write(directory, *given)], catalog).problems
    return [p.relative_to(directory) for p in sorted(problems, key=Problem.sort_key)]


def lint_catalog(catalog, path: str) -> list:
    """The problems of every check over a catalog, as the lint of a repository finds them."""
    entries = Entries()
    entries.add("catalog", CatalogEntry(catalog, Scope(Place(path, path=("catalog",)))))
    return run(entries, Context(catalog), CHECKS).problems


def _write(directory: str, name: str, text: str) -> str:
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def lines_of(problems, check: str) -> list[str]:
    return [format_problem(p) for p in problems if p.check == check]


def crashes(problems) -> list[str]:
    return [format_problem(p) for p in problems if p.check == "lint/internal-error"]


def paste(lines: list[str]) -> str:
    """``problems:`` as it stands in a case of a cases file (indented), ready to paste."""
    if not lines:
        return "  problems: []"
    return "  problems:\n" + "\n".join("    - " + yaml.safe_dump(line, width=10_000, allow_unicode=True,
                                                              default_style="'").strip().removesuffix("\n...")
                                     for line in lines)
