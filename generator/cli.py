"""``python -m generator``: the command line. Each command is a function; argparse wires them."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from . import exitcodes
from .errors import GeneratorError
from .project import Project


def _project(args) -> Project:
    return Project.find(args.root)


def cmd_build(args) -> int:
    from .build import compile_project
    from .output import write_output

    project = _project(args)
    output = compile_project(project)
    changed = write_output(project, output)
    gen = project.relative(project.generated)
    for path in changed:
        print(f"  wrote {path}")
    if output.left_out:
        print("left out (the metric naming has no signal for them):")
        for what, why in output.left_out:
            print(f"  {what}: {why}")
    print(f"built {len(output.dashboards)} dashboards and {len(output.rules)} rule files into {gen}/"
          + ("" if changed else " (already up to date)"))
    return exitcodes.OK


def cmd_check(args) -> int:
    from .build import compile_project
    from .output import stale_files

    project = _project(args)
    problems = stale_files(project, compile_project(project))
    gen = project.relative(project.generated)
    if not problems:
        print(f"{gen}/ is up to date")
        return exitcodes.OK
    print(f"{gen}/ is stale; run `make dashboards` (or `python -m generator build`) and commit the result:",
          file=sys.stderr)
    for path, reason in problems:
        print(f"  {path}: {reason}", file=sys.stderr)
    return exitcodes.PROBLEMS


def cmd_lint(args) -> int:
    # A lint builds many small objects that all live until its report is written: the cyclic garbage collector's
    # passes over them free nothing and cost a tenth of a big run. Exiting without tearing them down is the other
    # saving (see __main__: `python -m generator lint` ends with os._exit once its output is flushed).
    gc.disable()
    try:
        return _lint(args)
    finally:
        gc.enable()


def _lint(args) -> int:
    from .catalog import load_catalog
    from .errors import CatalogError
    from .lint import config as lint_config
    from .lint import lint_files, lint_project, output
    from .lint.registry import CHECKS, check_names, summary
    from .lint.runner import META_CHECKS

    if args.explain:
        return _explain(args.explain)
    if args.list_checks:
        for check in CHECKS:
            needs = " (needs a catalog)" if getattr(check, "NEEDS_CATALOG", False) else ""
            print(f"{check.NAME:45} {check.SEVERITY:8} {summary(check)}{needs}")
        return exitcodes.OK
    if args.no_catalog and args.catalog:
        print("error: --catalog and --no-catalog exclude each other", file=sys.stderr)
        return exitcodes.USAGE
    try:
        project = _optional_project(args) if args.files else _project(args)
        config = lint_config.LintConfig.from_settings(
            project.lint if project else (), check_names() | set(META_CHECKS),
            project.root if project else "", f"{project.root}/pyproject.toml" if project else "pyproject.toml")
        if args.files:
            catalog = None if args.no_catalog else (
                load_catalog(args.catalog) if args.catalog else _catalog_of(project))
            report = lint_files(args.files, catalog, config)
        else:
            catalog = load_catalog(args.catalog) if args.catalog else None
            report = lint_project(project, catalog, config)
    except CatalogError as e:
        print(f"error: {e}", file=sys.stderr)
        return exitcodes.USAGE
    if args.baseline:
        report = _with_baseline(args, report, lint_config)
        if report is None:
            return exitcodes.OK
    report = output.at_least(report, args.min_severity)
    sys.stdout.write(output.FORMATS[args.format](report))
    if args.format != "text":
        print("\n".join(output.summary(report)), file=sys.stderr)
    return exitcodes.PROBLEMS if output.fails(report, args.min_severity) else exitcodes.OK


def _explain(name: str) -> int:
    import difflib

    from .lint.registry import CHECKS
    from .refdocs.checks import check_page

    found = next((c for c in CHECKS if name in (c.NAME, c.NAME.replace("/", "-"), c.NAME.split("/", 1)[1])), None)
    if found is None:
        close = difflib.get_close_matches(name, [c.NAME for c in CHECKS], n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; `lint --list-checks` lists them"
        print(f"error: no check {name!r}{hint}", file=sys.stderr)
        return exitcodes.USAGE
    sys.stdout.write(check_page(found))
    return exitcodes.OK


def _optional_project(args) -> Project | None:
    try:
        return _project(args)
    except GeneratorError:
        return None  # linting files outside any repository: no settings, and a catalog only with --catalog


def _catalog_of(project: Project | None):
    """The project's catalog as its naming's Prometheus stores it (generator.otlp)."""
    if project is None:
        from .errors import CatalogError

        raise CatalogError("no catalog: pass --catalog DIR, or --no-catalog to run the checks that need none")
    from .otlp import catalog_of

    return catalog_of(project)


def _with_baseline(args, report, lint_config):
    """The report without the problems of the baseline; None after writing a new baseline."""
    from .lint.runner import Report

    if args.update_baseline or not os.path.exists(args.baseline):
        lint_config.write_baseline(args.baseline, report.problems)
        print(f"wrote {args.baseline}: {len(report.problems)} problems recorded; later runs with --baseline "
              "report only new ones", file=sys.stderr)
        return None
    known = lint_config.read_baseline(args.baseline)
    new = lint_config.new_since(known, report.problems)
    print(f"baseline {args.baseline}: {len(report.problems) - len(new)} known problems not shown", file=sys.stderr)
    return Report(new, report.suppressed)


def cmd_test_rules(args) -> int:
    from .rules.testrun import print_report, test_rules

    report = test_rules(_project(args), only=args.rule_files, tiers=args.promtool, run=args.run)
    print_report(report, sys.stdout, sys.stderr)
    return exitcodes.OK if report.ok else exitcodes.PROBLEMS


PROG = "ai-monitoring-as-code"


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Compile, check and ship Grafana dashboards and Prometheus rules declared in Python.",
        epilog="Documentation: docs/README.md; a command's flags: COMMAND --help.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--root", metavar="DIR", default=os.environ.get("GENERATOR_ROOT") or None,
                        help="the content tree: a folder whose pyproject.toml has [tool.generator] (default: "
                             "$GENERATOR_ROOT, else the nearest one from the current directory upwards)")
    sub = parser.add_subparsers(dest="command", metavar="command")
    sub.required = True

    p = sub.add_parser("build", help="compile the dashboards and rules of [tool.generator] into generated/")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("check", help="fail when generated/ differs from what a build would write")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("lint", help="check dashboards, rules and the catalog against the catalog (exit 1 on errors)",
                       description="With no files, lint this repository's compiled dashboards and rules and its "
                                   "catalog; with files, lint those Grafana dashboard JSON and Prometheus rule files.")
    p.add_argument("files", nargs="*", help="dashboard JSON or rule YAML files, or directories holding them "
                   "(default: this repository)")
    p.add_argument("--catalog", help="metric catalog directory or file (default: this repository's)")
    p.add_argument("--no-catalog", action="store_true",
                   help="lint files without a catalog: every check that needs none (structure, syntax, templates, "
                        "layout, alerts), no unknown-metric")
    p.add_argument("--baseline", metavar="FILE",
                   help="report only problems not recorded in FILE; writes FILE with today's problems when missing")
    p.add_argument("--update-baseline", action="store_true", help="with --baseline: rewrite FILE with today's problems")
    p.add_argument("--format", choices=("text", "json", "github", "sarif"), default="text",
                   help="text for people, json for tools, github for pull-request annotations, sarif for "
                        "code-scanning tools (SARIF 2.1.0)")
    p.add_argument("--min-severity", choices=("info", "warning", "error"), default="info",
                   help="report only problems at least this severe; with warning, warnings fail the run too "
                        "(default: report every problem, fail on errors)")
    p.add_argument("--list-checks", action="store_true", help="list every check with its severity and exit")
    p.add_argument("--explain", metavar="CHECK", help="print a check's page (what it catches, why, examples) and "
                   "exit")
    p.set_defaults(func=cmd_lint)
    p = sub.add_parser("test-rules",
                       help="compile, then run promtool check rules and the rules' unit tests, per scenario",
                       description="Compile, check every rule file with promtool, then run every scenario alone, "
                       "with the promtool of Prometheus 2 and of 3, against the rules it can observe (the alerts it "
                       "checks, the recordings it reads, and what they read, in their groups' order): the verdicts "
                       "of the whole generated test files, in about two fifths of the time.")
    p.add_argument("rule_files", nargs="*", metavar="RULE_FILE",
                   help="only these rule files and their scenarios (slos, rules/slos.yml, generated/rules/slos.yml; "
                        "default: all)")
    p.add_argument("--promtool", action="append", choices=["2", "3"],
                   help="only the promtool of this Prometheus major version (default: 2 and 3, those installed)")
    p.add_argument("--run", metavar="REGEX",
                   help="only the scenarios whose title this regular expression finds (as promtool's --run), e.g. "
                        "--run '^MyAlert: '; the rule files are still checked and their coverage too")
    p.set_defaults(func=cmd_test_rules)

    # Commands with modules of their own (their heavy imports wait until they run).
    from .delivery.commands import register as add_delivery_commands
    from .grafana.commands import register as add_grafana_commands
    from .importer.commands import register as add_import_commands
    from .live.commands import add_commands as add_live_commands
    from .refdocs.commands import register as add_docs_command
    from .review.commands import add_commands as add_review_commands
    from .scaffold.commands import register as add_init_command

    add_grafana_commands(sub)  # push, diff
    add_delivery_commands(sub)  # push-rules, diff-rules
    add_live_commands(sub)  # workload, stack, validate
    add_review_commands(sub)  # review, preview
    add_import_commands(sub)  # import, catalog-import
    add_init_command(sub)  # init
    add_docs_command(sub, build_parser)  # docs
    return parser


# Commands after which the process may exit at once, without freeing its objects one by one: they start no thread
# or child process and leave nothing for exit handlers (``python -m generator`` only, see __main__).
QUICK_EXIT = {"lint"}


def _prog() -> str:
    name = os.path.basename(sys.argv[0] or PROG)
    return "python -m generator" if name in ("__main__.py", "-m", "-c", "") else name


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(_prog())
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GeneratorError as e:
        print(f"error: {e}", file=sys.stderr)
        return exitcodes.for_error(e)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED


def run() -> None:
    """The console scripts' entry point (``ai-monitoring-as-code``, ``aimac``) and ``python -m generator``'s."""
    command = sys.argv[1:2]
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head`): not an error of ours. Point stdout at /dev/null so that the
        # interpreter's own flush at exit does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = exitcodes.OK
    if command and command[0] in QUICK_EXIT:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)
    sys.exit(code)
