"""``python -m generator test-rules``: compile, then prove the rules with promtool, scenario by scenario.

The rules and their tests are compiled in memory and written to a temporary directory, so what is tested is what
the sources say now, whether or not ``generated/`` is up to date (``python -m generator check`` says that). Then:

1. coverage: every alert has a scenario where it fires and one where it stays silent, every recording rule a
   scenario that checks its value;
2. ``promtool check rules`` on every rule file;
3. ``promtool test rules`` on every scenario alone (a file holding just that scenario, with the same
   ``rule_files``, ``evaluation_interval`` and group order as the generated ``*.test.yml``), so the report names
   each scenario with PASS or FAIL and promtool's own explanation of a failure.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..build import Output, compile_project
from ..errors import UsageError
from ..output import dump_yaml
from ..problems import Problem, format_problem
from ..project import Project
from . import promtool as P
from .coverage import coverage_problems


@dataclass
class Case:
    test_file: str  # the generated file it belongs to, relative to generated/
    title: str  # "PaymentsFailing: exactly 5% failing stays silent"
    document: dict  # a promtool test file holding only this scenario


@dataclass
class CaseResult:
    case: Case
    run: P.Run


@dataclass
class Report:
    coverage: list[Problem]
    rule_checks: dict[str, P.Run]
    results: list[CaseResult]

    @property
    def ok(self) -> bool:
        return not self.coverage and all(r.ok for r in self.rule_checks.values()) and all(
            r.run.ok for r in self.results)


def cases_of(output: Output, rules=None) -> list[Case]:
    """Every scenario of every generated test file (of ``rules``, some of ``output.rules``), each as a promtool
    test file of its own."""
    cases = []
    for compiled in output.rules if rules is None else rules:
        if compiled.tests is None:
            continue
        for path, data in compiled.tests.files.items():
            header = {k: v for k, v in data.items() if k != "tests"}
            for test in data["tests"]:
                cases.append(Case(path, test["name"], {**header, "tests": [test]}))
    return cases


def run_cases(promtool: str, rule_files: dict[str, bytes], cases: list[Case], *, workers: int | None = None,
              stop_at_first_failure: bool = False) -> list[CaseResult]:
    """Run ``cases`` against ``rule_files`` (path under generated/ -> bytes) in a scratch directory."""
    with tempfile.TemporaryDirectory(prefix="test-rules.") as scratch:
        for rel, content in rule_files.items():
            _write(os.path.join(scratch, rel), content)
        paths = []
        for index, case in enumerate(cases):
            directory, name = os.path.split(case.test_file)
            path = os.path.join(scratch, directory, f".case-{index:03d}.{name}")
            _write(path, dump_yaml(case.document))
            paths.append(path)
        if stop_at_first_failure:
            results = []
            for case, path in zip(cases, paths, strict=True):
                results.append(CaseResult(case, P.test_rules(promtool, path)))
                if not results[-1].run.ok:
                    break
            return results
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
            runs = list(pool.map(lambda p: P.test_rules(promtool, p), paths))
        return [CaseResult(c, r) for c, r in zip(cases, runs, strict=True)]


def _stem(path: str) -> str:
    """``rules/slos.yml``, ``generated/rules/slos.yml``, ``slos.yml`` and ``slos`` all name the rule file slos."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".yml").removesuffix(".yaml")


def test_rules(project: Project, *, promtool: str | None = None, only: list[str] | None = None) -> Report:
    """Check every rule file (``only``: those named) with promtool, their coverage, and run their scenarios."""
    promtool = promtool or P.find_promtool()
    output = compile_project(project)
    selected = output.rules
    if only:
        known, wanted = {_stem(c.path) for c in output.rules}, {_stem(name) for name in only}
        unknown = [name for name in only if _stem(name) not in known]
        if unknown:
            raise UsageError(f"no rule file {', '.join(map(repr, unknown))} in this repository; its rule files: "
                             + ", ".join(f"generated/{c.path}" for c in output.rules))
        selected = [c for c in output.rules if _stem(c.path) in wanted]
    coverage = []
    for compiled in selected:
        coverage += coverage_problems(compiled.groups, compiled.tests.tests if compiled.tests else None,
                                      compiled.module)
    coverage = [c.relative_to(project.root) for c in coverage]
    rule_files = {c.path: output.files[c.path] for c in selected}
    checks = {}
    with tempfile.TemporaryDirectory(prefix="check-rules.") as scratch:
        for rel, content in rule_files.items():
            path = os.path.join(scratch, os.path.basename(rel))
            _write(path, content)
            checks[rel] = P.check_rules(promtool, path)
    return Report(coverage, checks, run_cases(promtool, rule_files, cases_of(output, selected)))


def print_report(report: Report, out, err) -> None:
    for rel, run in report.rule_checks.items():
        if run.ok:
            print(f"promtool check rules generated/{rel}: ok", file=out)
        else:
            print(f"promtool check rules generated/{rel}: FAILED\n{_indent(run.output)}", file=err)
    current = None
    for result in report.results:
        if result.case.test_file != current:
            current = result.case.test_file
            print(f"promtool test rules generated/{current}:", file=out)
        mark = "PASS" if result.run.ok else "FAIL"
        print(f"  {mark}  {result.case.title}", file=out)
        if not result.run.ok:
            print(_indent(_failure_details(result.run.output), "          "), file=out)
    failed = [r for r in report.results if not r.run.ok]
    if report.coverage:
        print("rules without the tests they need:", file=err)
        for problem in report.coverage:
            print(f"  {format_problem(problem)}", file=err)
    summary = f"{len(report.results) - len(failed)} of {len(report.results)} scenarios pass"
    if report.coverage:
        summary += f"; {len(report.coverage)} coverage problems"
    print(summary if report.ok else f"FAILED: {summary}", file=out if report.ok else err)


def _failure_details(output: str) -> str:
    """promtool's explanation, without its 'Unit Testing: <scratch file>' header."""
    lines = [line for line in output.splitlines() if not line.startswith("Unit Testing:")]
    return "\n".join(lines).strip()


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _write(path: str, content: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(content)
