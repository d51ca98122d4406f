"""``init``: scaffold a content tree for a new service in an empty folder."""

from __future__ import annotations

import os
import sys

from .. import exitcodes


def register(sub) -> None:
    p = sub.add_parser(
        "init", help="write a content tree for a new service into an empty folder",
        description="Writes pyproject.toml with [tool.generator], a metric catalog, settings.py, one dashboard, one "
                    "alert group with runbooks and promtool scenarios, traffic.yml, a Makefile (`make dashboards`, "
                    "`make test`) and a CI workflow. It builds, lints clean and passes its rule tests as written. "
                    "With --from-metrics or --catalog, the catalog and a starter dashboard come from the service's "
                    "real metrics.")
    p.add_argument("folder", nargs="?", default=".", help="where to write the tree (default: the current folder)")
    p.add_argument("--name", help="the service's name: dashboards, alerts and metric prefix derive from it "
                                  "(default: the folder's name)")
    p.add_argument("--job", help="the Prometheus job that scrapes the service (default: the name)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--from-metrics", metavar="URL", action="append", default=[],
                     help="draft the catalog (as catalog-import does) and a starter dashboard from a /metrics "
                          "endpoint, or a file holding one scrape; repeatable")
    src.add_argument("--catalog", metavar="FILE", help="start from this metric catalog (YAML) instead")
    p.set_defaults(func=cmd_init)


def cmd_init(args) -> int:
    from .write import check_empty, names, template_files, write_tree

    folder = args.folder
    check_empty(folder)
    n = names(folder, args.name, args.job)
    drafted = bool(args.from_metrics or args.catalog)
    files = template_files(n, example=not drafted)
    if drafted:
        files.update(_drafted(args, n))
    written = write_tree(folder, files)
    for rel in written:
        print(f"  wrote {rel}")
    where = folder if folder != "." else "this folder"
    print(f"initialised the monitoring of {n.service} in {where}: {len(written)} files. Next:\n"
          + (f"  cd {folder}\n" if folder != "." else "")
          + "  make dashboards   # build into generated/, then lint\n"
          + "  make test         # promtool: check rules, then every scenario")
    return exitcodes.OK


def _drafted(args, n) -> dict[str, str]:
    """The catalog (drafted from /metrics, or the one given) and a starter dashboard from it."""
    import tempfile

    from ..catalog import load_catalog
    from ..errors import CatalogError, GeneratorError
    from ..importer.catalog_yaml import render
    from .starter import dashboard_module

    if args.catalog:
        try:
            with open(args.catalog, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            raise GeneratorError(f"{args.catalog}: cannot read: {e}") from e
        source = os.path.basename(args.catalog)
    else:
        seen: dict = {}
        for url in args.from_metrics:
            for name, m in _read_metrics(url).items():
                seen.setdefault(name, m)
        source = ", ".join(args.from_metrics)
        text = render(seen, source, n.job)
    if not any(line.startswith("  up:") for line in text.splitlines()):
        text = text.rstrip("\n") + "\n" + UP
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "metrics.yml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            catalog = load_catalog(path)
        except CatalogError as e:
            raise CatalogError(f"the catalog drafted from {source} does not load (nothing written): {e}") from e
    if catalog.job and catalog.job != n.job and not args.job:
        print(f"note: the catalog's job is {catalog.job!r}; the rules and dashboard use it", file=sys.stderr)
        n = type(n)(n.service, catalog.job)
    files = {"catalog/metrics.yml": text,
             "dashboards/overview.py": dashboard_module(catalog, n.title, source)}
    from .write import template_files

    return {**{k: v for k, v in template_files(n, example=False).items() if k.startswith(("settings", "rules/"))},
            **files}


def _read_metrics(source: str) -> dict:
    from ..importer.catalog import from_exposition, scrape

    if source.startswith(("http://", "https://")):
        return scrape(source)
    from ..errors import GeneratorError

    path = source.removeprefix("file://")
    try:
        with open(path, encoding="utf-8") as fh:
            return from_exposition(fh.read(), path)
    except (OSError, UnicodeDecodeError) as e:
        raise GeneratorError(f"{path}: cannot read: {e}") from e


UP = """  up:
    # Prometheus' own: 1 when its last scrape of the target succeeded (the alert of rules/ reads it).
    type: gauge
    unit: ""
    source: prometheus
    help: 1 when Prometheus' last scrape of the target succeeded, else 0.
    labels: []
"""
