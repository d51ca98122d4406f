"""``python -m generator test-rules``: compile, then prove the rules with promtool, scenario by scenario.

The rules and their tests are compiled in memory and written to a temporary directory, so what is tested is what
the sources say now, whether or not ``generated/`` is up to date (``python -m generator check`` says that). Then:

1. coverage: every alert has a scenario where it fires and one where it stays silent, every recording rule a
   scenario that checks its value;
2. ``promtool check rules`` on every rule file;
3. ``promtool test rules`` on every scenario alone (a file holding just that scenario, with the same
   ``rule_files``, ``evaluation_interval`` and group order as the generated ``*.test.yml``, less the rules the
   scenario cannot observe: :mod:`.observed`), so the report names each scenario with PASS or FAIL and
   promtool's own explanation of a failure.

Steps 2 and 3 run on the promtool of Prometheus 2 and on that of Prometheus 3 (generator.tools), each line naming
the version; a tier that is not installed is named in a note and left out.
"""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import yaml

from .. import names
from ..build import Output, compile_project
from ..errors import UsageError
from ..output import dump_yaml
from ..problems import Problem, format_problem
from ..project import Project
from ..tools import Tool, version_of
from . import promtool as P
from .coverage import coverage_problems
from .observed import observed_rules


@dataclass
class Case:
    test_file: str  # the generated file it belongs to, relative to generated/
    title: str  # "PaymentsFailing: exactly 5% failing stays silent"
    document: dict  # a promtool test file holding only this scenario


@dataclass
class CaseResult:
    case: Case
    run: P.Run
    promtool: str = ""  # the path of the promtool that ran it


@dataclass
class Report:
    coverage: list[Problem]
    rule_checks: list[tuple[Tool, str, P.Run]]  # (promtool, rule file under generated/, its check)
    results: list[CaseResult]  # each scenario once per promtool, next to each other
    promtools: list[Tool]
    missing: list[str]  # why a tier's promtool is not there
    left_out: int = 0  # scenarios whose title --run did not find

    @property
    def ok(self) -> bool:
        return not self.coverage and all(r.ok for _, _, r in self.rule_checks) and all(
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


def run_cases(promtool: str | list[str], rule_files: dict[str, bytes], cases: list[Case], *,
              workers: int | None = None, stop_at_first_failure: bool = False) -> list[CaseResult]:
    """Run ``cases`` against ``rule_files`` (path under generated/ -> bytes) in a scratch directory, with each
    promtool of ``promtool`` (a path or several): the results of a case follow each other, in that order."""
    binaries = [promtool] if isinstance(promtool, str) else list(promtool)
    with tempfile.TemporaryDirectory(prefix="test-rules.") as scratch:
        for rel, content in rule_files.items():
            _write(os.path.join(scratch, rel), content)
        parsed = {rel: _yaml(content) for rel, content in rule_files.items()}  # once, not per case
        paths = []
        for index, case in enumerate(cases):
            directory, name = os.path.split(case.test_file)
            path = os.path.join(scratch, directory, f".case-{index:03d}.{name}")
            document = _observing(case.document, rule_files, parsed, directory, f".case-{index:03d}.", scratch)
            _write(path, dump_yaml(document))
            paths.append(path)
        if stop_at_first_failure:
            results = []
            for case, path in zip(cases, paths, strict=True):
                for binary in binaries:
                    results.append(CaseResult(case, P.test_rules(binary, path), binary))
                    if not results[-1].run.ok:
                        return results
            return results
        jobs = [(case, path, binary) for case, path in zip(cases, paths, strict=True) for binary in binaries]
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
            runs = list(pool.map(lambda job: P.test_rules(job[2], job[1]), jobs))
        return [CaseResult(case, run, binary) for (case, _, binary), run in zip(jobs, runs, strict=True)]


def _observing(document: dict, rule_files: dict[str, bytes], parsed: dict[str, dict], directory: str, prefix: str,
               scratch: str) -> dict:
    """``document`` (a test file of one scenario) against only the rules its scenario can observe (:mod:`.observed`):
    copies of its rule files (``parsed``: each of ``rule_files`` as YAML) without the others, written beside it
    under ``prefix``. The same document when every rule may be observed, or when a rule file is not among
    ``rule_files``."""
    files = document.get("rule_files") or []
    rels = [os.path.normpath(os.path.join(directory, name)) for name in files]
    if not files or any(rel not in rule_files for rel in rels):
        return document
    keep = observed_rules([rule_files[rel] for rel in rels], document["tests"][0])
    if keep is None:
        return document
    whole = [parsed[rel] for rel in rels]
    pruned = [{**data, "groups": [{**g, "rules": [g["rules"][i] for i in kept[g["name"]]]}
                                  for g in data["groups"] if g["name"] in kept]}
              for data, kept in zip(whole, keep, strict=True)]
    if sum(len(g["rules"]) for p in pruned for g in p["groups"]) == sum(
            len(g.get("rules") or []) for w in whole for g in w["groups"]):
        return document
    out = {**document, "rule_files": []}
    for name, data in zip(files, pruned, strict=True):
        copy = os.path.join(os.path.dirname(name), prefix + os.path.basename(name))
        _write(os.path.join(scratch, directory, copy), dump_yaml(data))
        out["rule_files"].append(copy)
    if "group_eval_order" in document:
        groups = {g for kept in keep for g in kept}
        out["group_eval_order"] = [g for g in document["group_eval_order"] if g in groups]
    return out


def _yaml(content: bytes) -> dict | None:
    """A rule file as YAML; None when it does not parse (promtool says why; nothing is left out of it)."""
    try:
        return yaml.safe_load(content)
    except yaml.YAMLError:
        return None


def _stem(path: str) -> str:
    """``rules/slos.yml``, ``generated/rules/slos.yml``, ``slos.yml`` and ``slos`` all name the rule file slos."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".yml").removesuffix(".yaml")


def test_rules(project: Project, *, promtool: str | None = None, only: list[str] | None = None,
               tiers: list[str] | None = None, run: str | None = None) -> Report:
    """Check every rule file (``only``: those named) with promtool, their coverage, and run their scenarios (``run``:
    those whose title the regular expression finds, as promtool's ``--run``): with ``promtool`` (a path), else with
    the promtool of each of ``tiers`` (default: Prometheus 2 and 3) found."""
    try:
        chosen = re.compile(run) if run is not None else None
    except re.error as e:
        raise UsageError(f"--run {run!r}: not a regular expression ({e})") from e
    if promtool:
        found, missing = [Tool("promtool", "", promtool, version_of(promtool) or promtool)], []
    else:
        found, missing = P.promtools(tiers)
    output = compile_project(project)
    found, missing = _readers(output.catalog, found, missing)
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
    checks = []
    with tempfile.TemporaryDirectory(prefix="check-rules.") as scratch:
        for rel, content in rule_files.items():
            path = os.path.join(scratch, os.path.basename(rel))
            _write(path, content)
            checks += [(tool, rel, P.check_rules(tool.path, path)) for tool in found]
    cases = cases_of(output, selected)
    left_out = 0
    if chosen is not None:
        kept = [c for c in cases if chosen.search(c.title)]
        if not kept:
            raise UsageError(f"--run {run!r} finds none of the {len(cases)} scenarios' titles (`test-rules` lists "
                             "them)")
        left_out, cases = len(cases) - len(kept), kept
    results = run_cases([t.path for t in found], rule_files, cases)
    return Report(coverage, checks, results, found, missing, left_out)


def utf8_name(catalog) -> str | None:
    """A metric or label name of ``catalog`` that only Prometheus 3 reads (quoted UTF-8), else None."""
    for name in [*catalog.metrics, *catalog.labels]:
        if not names.legacy(name, metric=name in catalog.metrics):
            return name
    return None


def _readers(catalog, found: list[Tool], missing: list[str]) -> tuple[list[Tool], list[str]]:
    """The promtools that can read the rules of ``catalog``: Prometheus 2 parses no quoted UTF-8 name
    (``{"gen_ai.client.token.usage_bucket"}``), so with such names its tier is left out, and a note says why."""
    name = utf8_name(catalog)
    if name is None:
        return found, missing
    older = [t for t in found if t.tier == "2"]
    notes = [f"{t.label} left out: the catalog's names are UTF-8 ({names.quoted(name)}, as OTLP's "
             f"{catalog.otlp_translation_strategy or 'UTF-8 translation'} stores them), which only Prometheus 3 "
             "reads" for t in older]
    readers = [t for t in found if t.tier != "2"]
    if not readers:
        raise UsageError(f"the catalog's names are UTF-8 ({names.quoted(name)}): its rules need Prometheus 3's "
                         "promtool, and there is none (set PROMTOOL3, or `make tools`)"
                         + "".join(f"; {m}" for m in missing))
    return readers, missing + notes


def print_report(report: Report, out, err) -> None:
    """One line per rule file check and per scenario, for each promtool, naming its version
    (``  PASS  3.13.5  title``); promtool's explanation under a failure; a summary per promtool."""
    for tool, rel, run in report.rule_checks:
        if run.ok:
            print(f"{tool.label} check rules generated/{rel}: ok", file=out)
        else:
            print(f"{tool.label} check rules generated/{rel}: FAILED\n{_indent(run.output)}", file=err)
    version = {t.path: t.version for t in report.promtools}
    width = max(len(v) for v in version.values())
    current = None
    for result in report.results:
        if result.case.test_file != current:
            current = result.case.test_file
            print(f"promtool test rules generated/{current}:", file=out)
        mark = "PASS" if result.run.ok else "FAIL"
        print(f"  {mark}  {version[result.promtool]:<{width}}  {result.case.title}", file=out)
        if not result.run.ok:
            print(_indent(_failure_details(result.run.output), " " * (10 + width)), file=out)
    for note in report.missing:
        print(f"note: {note}; the scenarios ran on {' and '.join(t.label for t in report.promtools)} only",
              file=err)
    if report.coverage:
        print("rules without the tests they need:", file=err)
        for problem in report.coverage:
            print(f"  {format_problem(problem)}", file=err)
    parts = []
    for tool in report.promtools:
        mine = [r for r in report.results if r.promtool == tool.path]
        passed = sum(r.run.ok for r in mine)
        parts.append(f"{passed} of {len(mine)} scenarios pass on {tool.label}")
    summary = ", ".join(parts)
    if report.left_out:
        summary += f" ({report.left_out} left out by --run)"
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
