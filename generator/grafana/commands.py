"""``python -m generator push`` and ``python -m generator diff``.

Exit status, for both: 2 for usage problems (bad flags; no URL or credentials; a secret over plain http).

- ``push``: 0 when every dashboard was created, updated or unchanged (and pruned); 1 on any conflict or failure,
  when ``generated/`` is stale, or when Grafana cannot be used (unreachable, credentials refused).
- ``diff``: like ``diff(1)`` and ``git diff --exit-code``: 0 when a push would change nothing, 1 when it would
  change something, 2 when the comparison could not be made (usage, stale ``generated/``, Grafana unreachable).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

from .. import exitcodes
from ..errors import GeneratorError
from ..project import Project
from .config import GrafanaSettings, settings_from
from .errors import GrafanaError, GrafanaUnauthorized, GrafanaUsageError

# requests and the client are imported by the commands themselves, so that `python -m generator --help` and the
# other commands start as fast as they did without them


def register(sub) -> None:
    """Add the Grafana commands to ``python -m generator``'s subparsers."""
    p = sub.add_parser("push", help="push generated/ dashboards into a Grafana folder, never clobbering edits",
                       description="Push the dashboards of generated/ (refused when stale) into a Grafana folder. "
                       "Unchanged dashboards are not written; dashboards edited in Grafana since the last push are "
                       "reported as conflicts and a copy is saved under conflicts/. Credentials come from "
                       "GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD.")
    _connection_args(p)
    _folder_args(p)
    p.add_argument("--dry-run", action="store_true", help="show what would be done; write nothing")
    p.add_argument("--force", action="store_true",
                   help="overwrite dashboards edited in Grafana (a copy is saved first under conflicts/)")
    p.add_argument("--prune", action="store_true",
                   help="delete dashboards of the folder that the code no longer declares (only those pushed by "
                        "this tool and not edited since)")
    p.add_argument("--conflicts-dir", metavar="DIR", help="where Grafana's versions of conflicting dashboards are "
                   "saved (default: conflicts/ in the repository)")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("diff", help="show what a push would change in Grafana (exit 1 when something would)",
                       description="Compare generated/ with the live Grafana, per dashboard, in reviewer's terms. "
                       "Exit status: 0 nothing would change, 1 a push would change something, 2 trouble.")
    _connection_args(p)
    _folder_args(p)
    p.add_argument("--raw", action="store_true", help="also print a unified diff of the JSON")
    p.add_argument("--prune", action="store_true", help="also list dashboards `push --prune` would delete")
    p.set_defaults(func=cmd_diff)


def _connection_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("connection (secrets only from GRAFANA_TOKEN or GRAFANA_USER/GRAFANA_PASSWORD)")
    g.add_argument("--env", metavar="NAME", help="an environment of [tool.generator.environments]: its Grafana, "
                   "folder, data source and credential variables (flags still win)")
    g.add_argument("--grafana-url", metavar="URL", help="Grafana's base URL (default: $GRAFANA_URL)")
    g.add_argument("--org-id", metavar="ID", help="organisation id, sent as X-Grafana-Org-Id "
                   "(default: $GRAFANA_ORG_ID)")
    g.add_argument("--ca-bundle", metavar="PEM", help="CA certificates to verify Grafana's TLS certificate "
                   "(default: $GRAFANA_CA_BUNDLE, else the system's)")
    g.add_argument("--insecure-skip-tls-verify", action="store_true",
                   help="do not verify the TLS certificate (unsafe; warned about)")
    g.add_argument("--allow-insecure-http", action="store_true",
                   help="allow sending credentials over plain http to a host other than loopback")
    g.add_argument("--api", choices=("auto", "apis", "legacy"), help="the HTTP API dashboards go through: auto "
                   "(default: /apis dashboard.grafana.app where Grafana serves it, Grafana 12+; else the legacy "
                   "/api), apis, or legacy (default: grafana_api of the environment, else $GRAFANA_API)")
    g.add_argument("--namespace", metavar="NS", help="the /apis namespace: default (org 1), org-<id>, or "
                   "stacks-<stack id> on Grafana Cloud (default: grafana_namespace of the environment, else "
                   "$GRAFANA_NAMESPACE, else from --org-id)")
    g.add_argument("--timeout", type=float, metavar="SECONDS", help="read timeout per request (default 30)")
    g.add_argument("--retries", type=int, metavar="N", help="retries where safe (default 3)")
    g.add_argument("--jobs", "-j", type=int, default=4, metavar="N", help="dashboards in flight at once (default 4)")
    g.add_argument("--verbose", "-v", action="store_true", help="log every request (never its credentials)")


def _folder_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("folder")
    g.add_argument("--folder", metavar="PATH", help='folder titles, "Parent/Child" for nested folders '
                   "(default: grafana_folder of [tool.generator])")
    g.add_argument("--folder-uid", metavar="UID", help="uid of the (last) folder; default: grafana_folder_uid of "
                   "[tool.generator] when --folder is not given, else found by title")
    g.add_argument("--parent-folder-uid", metavar="UID", help="put the folder path under this existing folder")


# ---------------------------------------------------------------------------------------------------------------


class _Output:
    """stdout/stderr with every secret masked: the last line of defence, should a message ever carry one."""

    def __init__(self, secrets: list[str]):
        self.secrets = [s for s in secrets if s]
        self.lock = threading.Lock()
        self.progress_shown = False

    def scrub(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return text

    def out(self, text: str = "") -> None:
        with self.lock:
            self._clear_progress()
            print(self.scrub(text), flush=True)

    def err(self, text: str) -> None:
        with self.lock:
            self._clear_progress()
            print(self.scrub(text), file=sys.stderr, flush=True)

    def progress(self, text: str) -> None:
        if not sys.stderr.isatty():
            return
        with self.lock:
            sys.stderr.write("\r\033[K" + self.scrub(text))
            sys.stderr.flush()
            self.progress_shown = True

    def _clear_progress(self) -> None:
        if self.progress_shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.progress_shown = False


def _settings(args, environ: dict | None = None) -> GrafanaSettings:
    return settings_from(url=args.grafana_url, org_id=args.org_id, ca_bundle=args.ca_bundle,
                         insecure_skip_tls_verify=args.insecure_skip_tls_verify,
                         allow_insecure_http=args.allow_insecure_http, timeout=args.timeout, retries=args.retries,
                         api=args.api, namespace=args.namespace, environ=environ)


def _env_secrets() -> list[str]:
    return [v for v in (os.environ.get("GRAFANA_TOKEN"), os.environ.get("GRAFANA_PASSWORD")) if v]


def _setup(args, output: _Output) -> tuple[Project, GrafanaSettings, list]:
    """Everything checked before the first request: flags, settings, and that generated/ is what a build writes."""
    from ..build import compile_project
    from ..delivery import environments
    from ..delivery.groups import DeliveryUsageError
    from ..output import stale_files
    from .push import load_dashboards

    if args.jobs < 1:
        raise GrafanaUsageError("--jobs must be 1 or more")
    project = Project.find(args.root)
    try:
        environ = environments.apply_to_grafana_args(args, project)
    except DeliveryUsageError as e:
        raise GrafanaUsageError(str(e)) from None
    settings = _settings(args, environ)
    output.secrets = settings.credentials.secrets() or output.secrets
    if args.verbose:
        import logging

        def scrub(record: logging.LogRecord) -> bool:
            record.msg, record.args = output.scrub(record.getMessage()), ()
            return True

        handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(scrub)
        handler.setFormatter(logging.Formatter("  %(message)s"))
        log = logging.getLogger("generator.grafana")
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    if settings.verify is False:
        output.err("warning: TLS certificate verification is off (--insecure-skip-tls-verify): anyone on the "
                   "path can read the credentials")
    stale = stale_files(project, compile_project(project))
    gen = project.relative(project.generated)
    if stale:
        raise GeneratorError(f"{gen}/ is stale, and push sends only what was reviewed: run `make dashboards` "
                             "and commit the result\n  " + "\n  ".join(f"{p}: {why}" for p, why in stale))
    dashboards = load_dashboards(os.path.join(project.generated, "dashboards"))
    if args.environment is not None:
        output.out(f"environment {args.environment.name}: {settings.url}")
        dashboards = environments.with_datasource(dashboards, args.environment.datasource)
        dashboards = environments.with_schema(dashboards, args.environment.dashboard_schema)
    return project, settings, dashboards


def _route(client, settings: GrafanaSettings, dashboards: list, output: _Output):
    """Which API to take (discovered, or as asked), said before anything else happens."""
    from .apis import choose

    route = choose(client, settings, dashboards)
    output.out(f"dashboards {route.describe()}")
    return route


def _folder(args, project: Project, client, *, create: bool):
    from . import folders as folders_mod

    if args.folder:
        titles, uid = folders_mod.parse_path(args.folder), args.folder_uid
    else:
        titles = folders_mod.parse_path(project.grafana_folder)
        uid = args.folder_uid or project.grafana_folder_uid or None
    return folders_mod.resolve(client, titles, leaf_uid=uid, parent_uid=args.parent_folder_uid, create=create)


def _commit(root: str) -> str | None:
    import subprocess

    try:
        got = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return got.stdout.strip() if got.returncode == 0 and got.stdout.strip() else None


def _failure(output: _Output, e: Exception) -> None:
    if isinstance(e, GrafanaUnauthorized):
        output.err(f"error: Grafana refused the credentials ({e.status_code} {e.grafana_message or 'Unauthorized'}):"
                   " check GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD (and GRAFANA_ORG_ID)")
    else:
        from .resources import explain

        output.err(f"error: {explain(e)}")


# ---------------------------------------------------------------------------------------------------------------


def cmd_push(args) -> int:
    from .client import GrafanaClient
    from .push import CONFLICT, FAILED, ORDER, WOULD, Pusher

    output = _Output(_env_secrets())
    try:
        project, settings, dashboards = _setup(args, output)
    except GeneratorError as e:
        output.err(f"error: {e}")
        return exitcodes.for_error(e)

    commit = _commit(project.root)
    message = f"pushed by generator {commit}" if commit else "pushed by generator"
    conflicts_dir = args.conflicts_dir or os.path.join(project.root, "conflicts")
    done = [0]
    total = len(dashboards)

    def on_done(outcome):
        done[0] += 1
        output.progress(f"push: {done[0]}/{total} {outcome.uid}")

    try:
        with GrafanaClient(settings, pool_size=args.jobs) as client:
            route = _route(client, settings, dashboards, output)
            folder = _folder(args, project, route.folders(client), create=not args.dry_run)
            pusher = Pusher(client, folder, force=args.force, dry_run=args.dry_run, message=message,
                            conflicts_dir=conflicts_dir, jobs=args.jobs, on_done=on_done, store=route.store(client))
            report = pusher.push(dashboards, prune=args.prune)
            requests_sent, writes_sent = client.requests_sent, client.writes_sent
    except GrafanaError as e:
        _failure(output, e)
        return exitcodes.for_error(e)

    dry = " (dry run: nothing written)" if args.dry_run else ""
    if folder.created:
        verb = "would create" if args.dry_run else "created"
        output.out(f"folder {folder.path!r}: {verb} {', '.join(repr(t) for t in folder.created)}")
    else:
        output.out(f"folder {folder.path!r} (uid {folder.uid})")
    for note in folder.notes:
        output.out(f"  note: {note}")
    width = max([len(o.uid) for o in report.outcomes] + [4])
    for o in report.outcomes:
        action = WOULD.get(o.action, o.action) if args.dry_run else o.action
        version = f" v{o.version}" if o.version is not None and o.action not in (CONFLICT, FAILED) else ""
        line = f"  {action:<12} {o.uid:<{width}}  {o.title}{version}"
        if o.detail:
            line += f": {o.detail}"
        output.out(line)
    if report.left_alone:
        output.out(f"  left alone: {report.left_alone} dashboard(s) in the folder not pushed by this tool")
    counts = ", ".join(f"{report.count(a)} {WOULD.get(a, a) if args.dry_run else a}" for a in ORDER
                       if report.count(a) or a in ("created", "updated", "unchanged", CONFLICT, FAILED))
    output.out(f"push: {counts} ({requests_sent} requests, {writes_sent} writes) {route.short()}{dry}")
    conflicts = [o.uid for o in report.outcomes if o.action == CONFLICT]
    failed = [o.uid for o in report.outcomes if o.action == FAILED]
    if conflicts:
        output.err(f"push: {len(conflicts)} conflict(s) not overwritten ({', '.join(conflicts)}): compare the saved "
                   "copies with the code, port what you want to keep, then push again (or pass --force)")
    if failed:
        output.err(f"push: {len(failed)} dashboard(s) failed ({', '.join(failed)}); run the push again once the "
                   "cause is fixed")
    return exitcodes.OK if report.ok else exitcodes.PROBLEMS


def cmd_diff(args) -> int:
    from .client import GrafanaClient
    from .diff import CHANGED, LEFTOVER, NEW, compare

    output = _Output(_env_secrets())
    try:
        project, settings, dashboards = _setup(args, output)
        with GrafanaClient(settings, pool_size=args.jobs) as client:
            route = _route(client, settings, dashboards, output)
            folder = _folder(args, project, route.folders(client), create=False)
            diffs = compare(client, folder, dashboards, jobs=args.jobs, prune=args.prune, raw=args.raw,
                            store=route.store(client))
    except GeneratorError as e:
        _failure(output, e)
        return exitcodes.for_error(e, default=exitcodes.USAGE)  # like diff(1): 2, no comparison made

    if not folder.exists:
        output.out(f"folder {folder.path!r}: missing, push creates {', '.join(repr(t) for t in folder.created)}")
    differing = 0
    for d in sorted(diffs, key=lambda d: (d.state == LEFTOVER, d.uid)):
        if d.state in (NEW, CHANGED, LEFTOVER):
            differing += 1
            output.out(f"{d.uid} ({d.title}): {d.state}")
            for c in d.changes:
                output.out(f"    {c}")
        else:
            output.out(f"{d.uid} ({d.title}): unchanged")
        for n in d.notes:
            output.out(f"    note: {n}")
        if d.raw:
            output.out(d.raw.rstrip("\n"))
    if differing:
        output.out(f"diff: a push would change {differing} of {len(diffs)} dashboard(s)")
    else:
        output.out(f"diff: Grafana matches the code ({len(diffs)} dashboards)")
    return exitcodes.PROBLEMS if differing or not folder.exists else exitcodes.OK
