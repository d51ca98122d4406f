"""``python -m generator review`` and ``python -m generator preview``.

- ``review --base REF``: exit 0 when the review was made (something changed or not), 1 when the change introduces
  lint errors (or, with ``--exit-code``, when anything changed, like ``git diff --exit-code``), 2 when no comparison
  could be made (unknown ref, a base that does not build, no Prometheus for ``--preview``).
- ``preview``: exit 0 when every picture was drawn, 2 when the Prometheus cannot be reached.
"""

from __future__ import annotations

import json
import os
import sys

from .. import exitcodes
from ..project import Project


def add_commands(sub) -> None:
    p = sub.add_parser("review", help="what a change does to the dashboards and rules, against a git ref "
                                      "(for a pull-request comment)",
                       description="Build the sources at REF (in a temporary git worktree) and the working tree, "
                                   "and describe the difference in a reviewer's terms: panels, queries, variables, "
                                   "alerts, recording rules and lint problems introduced or fixed.")
    p.add_argument("--base", default="HEAD", help="git ref to compare with (default: HEAD)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="output format")
    p.add_argument("--output", "-o", help="write the review to this file rather than standard output")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    p.add_argument("--preview", action="store_true",
                   help="draw each changed dashboard before and after (needs a Prometheus, see preview)")
    p.add_argument("--prometheus", help="Prometheus URL for --preview (default: the stack of `make up`)")
    p.add_argument("--pictures", default="review-pictures", help="directory for the --preview pictures")
    p.add_argument("--picture-url", help="Markdown links the pictures as PICTURE_URL/<file> (where CI publishes "
                                         "them) rather than by their path relative to --output")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("preview", help="draw dashboards as PNG pictures laid out as Grafana does, with a "
                                       "Prometheus's data")
    p.add_argument("dashboards", nargs="*", metavar="DASHBOARD", help="dashboard uids (default: every one)")
    p.add_argument("--prometheus", help="Prometheus URL (default: the stack started by `make up`)")
    p.add_argument("--out", default="preview", help="directory for the pictures (default: preview/)")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds per query (default 15)")
    p.set_defaults(func=cmd_preview)


def _project(args) -> Project:
    return Project.find(args.root)


def build_review(project: Project, base: str):
    """The Review of the working tree against ``base``, and the two sides (their dashboards, for pictures)."""
    from .compare import compare_dashboards
    from .model import Review
    from .rules import compare_lint, compare_rules, rule_files
    from .sources import BaseCheckout, working_side

    head = working_side(project)
    with BaseCheckout(project, base) as old:
        review = Review(old.label, head.label)
    review.dashboards = compare_dashboards(old.dashboards(), head.dashboards())
    review.rules = compare_rules(old.files, head.files)
    review.lint_introduced, review.lint_fixed = compare_lint(old.problems, head.problems)
    described = {f"dashboards/{d.uid}.json" for d in review.dashboards}
    if review.rules:
        described |= set(rule_files(old.files)) | set(rule_files(head.files))
    review.other_files = sorted(f"{project.relative(project.generated)}/{p}" for p in set(old.files) | set(head.files)
                                if old.files.get(p) != head.files.get(p) and p not in described)
    return review, old, head


def cmd_review(args) -> int:
    from .markdown import FORMATS, relative_link
    from .sources import BaseError

    project = _project(args)
    try:
        review, old, head = build_review(project, args.base)
        if args.preview and review.dashboards:
            _pictures(project, args, review, old, head)
    except BaseError as e:
        print(f"error: {e}", file=sys.stderr)
        return exitcodes.USAGE
    if args.format == "markdown":
        where = os.path.dirname(os.path.abspath(args.output)) if args.output else os.getcwd()
        link = relative_link(where)
        if args.picture_url:
            prefix = args.picture_url.rstrip("/")

            def link(path: str) -> str:
                return f"{prefix}/{os.path.basename(path)}"
        rendered = FORMATS["markdown"](review, picture_url=link)
    else:
        rendered = FORMATS[args.format](review)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(rendered)
        print(review.summary(), file=sys.stderr)
    else:
        sys.stdout.write(rendered)
    if any(p.get("severity") == "error" for p in review.lint_introduced):
        return exitcodes.PROBLEMS
    return exitcodes.PROBLEMS if args.exit_code and review.changed else exitcodes.OK


def _pictures(project: Project, args, review, old, head) -> None:
    from ..extras import require
    from ..otlp import catalog_of

    require("preview")
    from .preview import Preview, prometheus_url
    from .sources import BaseError

    url = prometheus_url(project, args.prometheus)
    if not url:
        raise BaseError("--preview needs a Prometheus: pass --prometheus URL or start one with `make up`")
    # One Preview: both sides are drawn up to the same moment, from the same Prometheus and so the same history;
    # a picture differs from the other only where the change does.
    drawer = Preview(url, catalog_of(project))
    before, after = old.dashboards(), head.dashboards()
    os.makedirs(args.pictures, exist_ok=True)
    shown: dict[str, dict] = {}
    for dash in review.dashboards:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in dash.uid)
        for label, side in (("before", before), ("after", after)):
            if dash.uid in side:
                path = os.path.abspath(os.path.join(args.pictures, f"{safe}.{label}.png"))
                panels = drawer.draw(side[dash.uid], path)
                dash.pictures[label] = path
                shown.setdefault(dash.uid, {})[label] = {"file": os.path.basename(path), "panels": panels}
    with open(os.path.join(args.pictures, "pictures.json"), "w", encoding="utf-8") as fh:
        json.dump({"prometheus": url, "end": drawer.end, "dashboards": shown}, fh, indent=2)
        fh.write("\n")


def cmd_preview(args) -> int:
    from ..extras import require

    require("preview")
    from .preview import run

    return run(_project(args), args)
