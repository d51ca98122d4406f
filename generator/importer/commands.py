"""``import`` (Grafana dashboards into Python modules) and ``catalog-import`` (a catalog draft from a running
service or Prometheus)."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile

import yaml

from .. import exitcodes
from ..errors import CatalogError, GeneratorError


def register(sub) -> None:
    p = sub.add_parser("import", help="turn Grafana dashboards (files, or Grafana's) into dashboard modules",
                       description="Each dashboard becomes a Python module of house-style panel calls (what no helper "
                                   "draws is kept verbatim, with a comment); every module is built in memory and "
                                   "compared with the original before it is written. Reads classic dashboard JSON, "
                                   "dashboard.grafana.app resources (v1: classic JSON under `spec`; v2: schema v2) "
                                   "and Git Sync's YAML files alike.")
    p.add_argument("files", nargs="*", help="dashboards, JSON or YAML: a bare dashboard, an export with __inputs, the "
                   "API's answer, or a v1/v2 resource (what Grafana 13 exports)")
    p.add_argument("--out", metavar="DIR", help="where to write the modules (default: the project's dashboards)")
    p.add_argument("--force", action="store_true", help="overwrite modules that exist")
    g = p.add_argument_group("from Grafana (secrets only from GRAFANA_TOKEN or GRAFANA_USER/GRAFANA_PASSWORD)")
    g.add_argument("--grafana-url", metavar="URL", help="Grafana's base URL (default: $GRAFANA_URL)")
    g.add_argument("--uid", action="append", default=[], metavar="UID", help="a dashboard's uid (repeatable)")
    g.add_argument("--folder", metavar="PATH", help='every dashboard of this folder ("Parent/Child" when nested)')
    g.add_argument("--org-id", metavar="ID", help="organisation id (default: $GRAFANA_ORG_ID)")
    g.add_argument("--namespace", metavar="NS", help="the namespace of /apis/dashboard.grafana.app where Grafana has "
                   "it (default: $GRAFANA_NAMESPACE, else `default`; Grafana Cloud: `stacks-<id>`)")
    g.add_argument("--allow-insecure-http", action="store_true",
                   help="allow sending credentials over plain http to a host other than loopback")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("catalog-import", help="write a metric catalog draft from /metrics endpoints or Prometheus",
                       description="Reads each URL (a /metrics endpoint: Prometheus text or OpenMetrics), or with "
                                   "--prometheus the series and metadata of one job, and writes a catalog draft; "
                                   "an existing --out file is merged into, keeping everything written in it.")
    p.add_argument("urls", nargs="*", metavar="URL", help="/metrics endpoints")
    p.add_argument("--prometheus", metavar="URL", help="a Prometheus server to read --job's metrics from")
    p.add_argument("--job", help="with --prometheus: the scrape job")
    p.add_argument("--out", metavar="FILE", help="the catalog file to write or merge into (default: stdout)")
    p.add_argument("--target-label", action="append", default=[], metavar="NAME",
                   help="a label your Prometheus attaches to every series besides job and instance (e.g. cluster); "
                        "repeatable")
    p.set_defaults(func=cmd_catalog_import)


# ---------------------------------------------------------------------------------------------------------------
# import


def _module_name(uid: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", uid.lower()).strip("_")
    return name if name[:1].isalpha() else f"dashboard_{name}"


def _sources(args) -> list[tuple[str, object]]:
    out = []
    for path in args.files:
        try:
            with open(path, encoding="utf-8") as fh:
                if path.endswith((".yaml", ".yml")):  # Git Sync keeps resources as YAML too
                    out.append((os.path.basename(path), yaml.safe_load(fh)))
                else:
                    out.append((os.path.basename(path), json.load(fh)))
        except (OSError, UnicodeDecodeError) as e:
            raise GeneratorError(f"{path}: cannot read: {e}") from e
        except json.JSONDecodeError as e:
            raise GeneratorError(f"{path}:{e.lineno}: not JSON: {e.msg}") from e
        except yaml.YAMLError as e:
            raise GeneratorError(f"{path}: not YAML: {str(e).splitlines()[0]}") from e
    if args.uid or args.folder:
        out += _from_grafana(args)
    return out


def _from_grafana(args) -> list[tuple[str, object]]:
    """Each dashboard named, through /apis where Grafana serves dashboard.grafana.app (as stored: classic JSON or
    schema v2), else through the legacy /api."""
    from ..grafana import folders
    from ..grafana.apis import choose
    from ..grafana.client import GrafanaClient
    from ..grafana.config import settings_from

    settings = settings_from(url=args.grafana_url, org_id=args.org_id, namespace=getattr(args, "namespace", None),
                             allow_insecure_http=args.allow_insecure_http)
    out = []
    with GrafanaClient(settings) as client:
        route = choose(client, settings, [])  # /apis where Grafana serves dashboard.grafana.app, as push does
        store = route.store(client)
        uids = list(args.uid)
        if args.folder:
            folder = folders.resolve(route.folders(client), folders.parse_path(args.folder), create=False)
            if not folder.exists or not folder.uid:
                raise GeneratorError(f"folder {args.folder!r} not found in Grafana")
            uids += [h["uid"] for h in store.in_folder(folder.uid) if h.get("uid")]
        for uid in uids:
            live = store.get(uid)
            if live is None:
                raise GeneratorError(f"dashboard {uid!r} not found in Grafana (through {store.describe()})")
            # As Grafana stores it: a dashboard saved as schema v2 is read in its own version, not converted
            stored = live.stored_as or live.conversion_error
            out.append((f"{settings.url}/d/{uid}", live.document if stored else live.content))
    return out


def cmd_import(args) -> int:
    from .roundtrip import build_source, differences, expected, import_dashboard

    if not (args.files or args.uid or args.folder):
        print("error: name dashboard files, or --uid/--folder with --grafana-url", file=sys.stderr)
        return exitcodes.USAGE
    out_dir = args.out or _default_out(args.root)
    planned: dict[str, tuple[str, str]] = {}
    problems = 0
    declared = None
    for source, raw in _sources(args):
        prepared, uid, code = import_dashboard(raw, source)
        path = os.path.join(out_dir, _module_name(uid) + ".py")
        if path in planned:
            raise GeneratorError(f"{source}: uid {uid!r} is also the uid of {planned[path][0]}")
        if os.path.exists(path) and not args.force:
            raise GeneratorError(f"{path} exists (from an earlier import?); pass --force to overwrite")
        declared = _content_uids(args.root, out_dir) if declared is None else declared
        if uid in declared and not args.force:
            raise GeneratorError(f"{source}: dashboard uid {uid!r} is already declared by {declared[uid]}; a second "
                                 "module with it would not build. Edit that module, or pass --force to write this one "
                                 "anyway (then remove one of the two)")
        diffs = differences(expected(prepared, uid), build_source(code, path))
        verbatim = code.count("P.verbatim(")
        print(f"{source} -> {path}: {code.count('P.row(')} rows, {verbatim} panels kept verbatim"
              + (f", {len(prepared.notes)} notes" if prepared.notes else ""))
        for d in diffs:
            print(f"  differs after a build: {d}", file=sys.stderr)
        problems += len(diffs)
        planned[path] = (source, code)
    os.makedirs(out_dir, exist_ok=True)
    for path, (_, code) in planned.items():
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(code)
    print(f"wrote {len(planned)} modules into {out_dir}/")
    return exitcodes.PROBLEMS if problems else exitcodes.OK


def _default_out(root: str | None) -> str:
    from ..project import Project

    try:
        return Project.find(root).dashboards
    except GeneratorError:
        return "."


def _content_uids(root: str | None, out_dir: str) -> dict[str, str]:
    """uid -> the module declaring it, for every dashboard of the content tree that ``out_dir`` writes into (none
    when it writes elsewhere, or when the content does not build: then nothing is known)."""
    from ..build import compile_project
    from ..project import Project

    try:
        project = Project.find(root)
    except GeneratorError:
        return {}
    if os.path.abspath(out_dir) != os.path.abspath(project.dashboards):
        return {}
    try:
        return {uid: d.module for uid, d in compile_project(project).dashboards.items()}
    except GeneratorError:
        return {}


# ---------------------------------------------------------------------------------------------------------------
# catalog-import


def cmd_catalog_import(args) -> int:
    from ..catalog import load_catalog
    from .catalog import from_prometheus, scrape
    from .catalog_yaml import merge, render

    if bool(args.prometheus) != bool(args.job) or not (args.urls or args.prometheus):
        print("error: name /metrics URLs, or --prometheus URL with --job JOB", file=sys.stderr)
        return exitcodes.USAGE
    seen: dict = {}
    for url in args.urls:
        for name, m in scrape(url).items():
            seen.setdefault(name, m)
    if args.prometheus:
        seen.update(from_prometheus(args.prometheus, args.job))
    sources = ", ".join(args.urls + ([f"{args.prometheus} job {args.job}"] if args.prometheus else []))
    report: list[str] = []
    if args.out and os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as fh:
            try:
                text, report = merge(fh.read(), seen)
            except ValueError as e:
                raise GeneratorError(f"{args.out}: cannot merge: {e}") from e
    else:
        text = render(seen, sources, args.job or "", tuple(args.target_label))
    with tempfile.TemporaryDirectory() as tmp:  # the loader must accept it before anything is written
        check = os.path.join(tmp, os.path.basename(args.out or "metrics.yml"))
        with open(check, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            load_catalog(check)
        except CatalogError as e:
            print(f"error: the draft is not a valid catalog (nothing written): {e}", file=sys.stderr)
            return exitcodes.PROBLEMS
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        warnings = text.count("# warning:")
        print(f"wrote {args.out}: {len(seen)} metrics from {sources}"
              + (f"; {warnings} labels look unbounded (see `# warning:`)" if warnings else ""), file=sys.stderr)
    else:
        sys.stdout.write(text)
    for line in report:
        print(f"  {line}", file=sys.stderr)
    return exitcodes.OK
