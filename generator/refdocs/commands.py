"""``docs``: write the generated pages of docs/ (``--check``: fail, naming them, when one is stale)."""

from __future__ import annotations

import os
import sys

from .. import exitcodes


def register(sub, build_parser) -> None:
    """Add the `docs` command to ``sub``; ``build_parser()`` makes the whole command line's parser, under the
    console script's name (the CLI reference is written from it)."""
    p = sub.add_parser("docs", help="write the reference and check pages of docs/ from the code (--check: verify)",
                       description="Writes docs/reference/*.md (commands and flags, configuration keys, the catalog "
                                   "schema, content helpers, exit codes, environment variables) and "
                                   "docs/checks/*.md (one page per lint check) from the code.")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="the docs folder (default: docs/ beside the engine's checkout)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the pages that differ")
    p.set_defaults(func=cmd_docs, build_parser=build_parser)


def pages(parser) -> dict[str, str]:
    """Relative path under docs/ -> the page's text; ``parser``: the command line's (generator.cli.build_parser)."""
    from ..lint.registry import CHECKS
    from . import checks, cli_ref
    from . import pages as ref

    out = {"reference/cli.md": cli_ref.page(parser),
           "reference/configuration.md": ref.configuration_page(),
           "reference/catalog.md": ref.catalog_page(),
           "reference/helpers.md": ref.helpers_page(),
           "reference/exit-codes.md": ref.exit_codes_page(),
           "reference/environment.md": ref.environment_page(),
           "checks/README.md": checks.index_page()}
    for module in CHECKS:
        out[f"checks/{checks.page_name(module.NAME)}"] = checks.check_page(module)
    return out


def default_docs() -> str:
    """docs/ of the engine's own checkout; ./docs for an installed engine (no checkout around it)."""
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if os.path.isfile(os.path.join(checkout, "pyproject.toml")):
        return os.path.join(checkout, "docs")
    return os.path.abspath("docs")


def stale(docs: str, wanted: dict[str, str]) -> list[str]:
    """The pages of ``wanted`` (see :func:`pages`) that differ under ``docs``, are missing, or are left over."""
    out = []
    for rel, text in wanted.items():
        path = os.path.join(docs, rel)
        try:
            with open(path, encoding="utf-8") as fh:
                if fh.read() != text:
                    out.append(f"{rel}: differs")
        except OSError:
            out.append(f"{rel}: missing")
    folder = os.path.join(docs, "checks")
    if os.path.isdir(folder):
        out += [f"checks/{f}: no such check" for f in sorted(os.listdir(folder))
                if f.endswith(".md") and f"checks/{f}" not in wanted]
    return out


def cmd_docs(args) -> int:
    docs = args.out or default_docs()
    wanted = pages(args.build_parser())
    problems = stale(docs, wanted)
    if args.check:
        if problems:
            print("generated docs are stale; run `ai-monitoring-as-code docs` and commit the result:", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            return exitcodes.PROBLEMS
        print(f"{docs}: generated pages up to date")
        return exitcodes.OK
    for f in problems:
        if f.endswith("no such check"):
            os.remove(os.path.join(docs, f.split(":", 1)[0]))
    for rel, text in wanted.items():
        path = os.path.join(docs, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    print(f"wrote {len(wanted)} pages under {docs}/")
    return exitcodes.OK
