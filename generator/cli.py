"""``python -m generator``: the command line. Each command is a function; argparse wires them."""

from __future__ import annotations

import argparse
import sys

from .errors import GeneratorError
from .project import Project

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _project(args) -> Project:
    return Project.find(args.root)


def cmd_build(args) -> int:
    from .build import compile_project, write_output

    project = _project(args)
    output = compile_project(project)
    changed = write_output(project, output)
    gen = project.relative(project.generated)
    for path in changed:
        print(f"  wrote {path}")
    print(f"built {len(output.dashboards)} dashboards and {len(output.rules)} rule files into {gen}/"
          + ("" if changed else " (already up to date)"))
    return EXIT_OK


def cmd_check(args) -> int:
    from .build import compile_project, stale_files

    project = _project(args)
    problems = stale_files(project, compile_project(project))
    gen = project.relative(project.generated)
    if not problems:
        print(f"{gen}/ is up to date")
        return EXIT_OK
    print(f"{gen}/ is stale; run `make dashboards` (or `python -m generator build`) and commit the result:",
          file=sys.stderr)
    for path, reason in problems:
        print(f"  {path}: {reason}", file=sys.stderr)
    return EXIT_PROBLEMS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Compile, check and ship Grafana dashboards and Prometheus rules declared in Python.",
    )
    parser.add_argument("--root", help="repository root (default: found from the current directory)")
    sub = parser.add_subparsers(dest="command", metavar="command")
    sub.required = True

    p = sub.add_parser("build", help="compile dashboards/ and rules/ into generated/")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("check", help="fail when generated/ differs from what a build would write")
    p.set_defaults(func=cmd_check)
    from .live.commands import add_commands as add_live_commands  # workload, stack, validate (issue 6)

    add_live_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GeneratorError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
