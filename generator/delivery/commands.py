"""``push-rules`` and ``diff-rules``: deliver generated/ rules to a Prometheus or a ruler, or show what would change.

Two kinds of target, chosen by the flags (or by ``--env NAME``):

- ``--prometheus-url URL --rules-dir DIR``: the rule files are written into the folder that Prometheus loads, then
  it is reloaded and its ``/api/v1/rules`` checked (see :mod:`.prometheus`);
- ``--ruler-url URL [--namespace NS] [--tenant ID]``: the groups are synced to a Mimir/Cortex/Loki ruler (see
  :mod:`.ruler`); credentials from ``RULER_TOKEN``, or ``RULER_USER`` and ``RULER_PASSWORD``.

TLS (``--ca-bundle``, ``--insecure-skip-tls-verify``), timeouts and retries are those of ``push``: only what is
safe to repeat is retried (a connection that failed before the request was sent, or a GET).

Exit status: ``push-rules`` 0 when delivered (or nothing to do), 1 when refused or failed, 2 for usage problems;
``diff-rules`` 0 when a push would change nothing, 1 when it would, 2 when the comparison could not be made.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

from .. import exitcodes
from ..errors import GeneratorError
from ..project import Project
from .groups import DeliveryUsageError

DESCRIPTION = ("Two kinds of target, chosen by the flags or by --env NAME. With --prometheus-url URL --rules-dir DIR, "
               "the rule files are written into the folder Prometheus loads, Prometheus is reloaded and its "
               "/api/v1/rules read back until every rule is loaded. With --ruler-url URL (--namespace, --tenant), "
               "the groups are synced to a Mimir, Cortex or Loki ruler; credentials only from RULER_TOKEN, or "
               "RULER_USER and RULER_PASSWORD.")


def register(sub) -> None:
    for name, helps in (("push-rules", "deliver generated/ rules to a Prometheus folder (reload, verify) or a ruler"),
                        ("diff-rules", "show what push-rules would change (exit 1 when something would)")):
        p = sub.add_parser(name, help=helps, description=DESCRIPTION)
        p.add_argument("--env", metavar="NAME", help="an environment of [tool.generator.environments] (flags win)")
        g = p.add_argument_group("a Prometheus (started with --web.enable-lifecycle)")
        g.add_argument("--prometheus-url", metavar="URL", help="its base URL")
        g.add_argument("--rules-dir", metavar="DIR", help="the folder its rule_files load (written atomically)")
        g.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                       help="how long to wait for the rules to be loaded (default 30)")
        g = p.add_argument_group("a ruler (Mimir, Cortex, Loki); secrets only from RULER_TOKEN or "
                                 "RULER_USER/RULER_PASSWORD")
        g.add_argument("--ruler-url", metavar="URL", help="its base URL (default: $RULER_URL)")
        g.add_argument("--namespace", metavar="NS", help="the namespace of this repository's groups (default: "
                       "ruler_namespace of [tool.generator])")
        g.add_argument("--tenant", metavar="ID", help="tenant, sent as X-Scope-OrgID (default: $RULER_TENANT)")
        g.add_argument("--rules-api-path", metavar="PATH", help="the rules API path (default "
                       "/prometheus/config/v1/rules; Loki: /loki/api/v1/rules)")
        g.add_argument("--allow-insecure-http", action="store_true",
                       help="allow sending credentials over plain http to a host other than loopback")
        p.add_argument("--prune", action="store_true", help="also delete the namespace's groups the code no longer "
                       "declares (ruler only; other namespaces are never touched)")
        p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per request (default 30)")
        p.add_argument("--retries", type=int, default=3, metavar="N",
                       help="retries where safe: a connection refused before sending, a GET (default 3)")
        p.add_argument("--ca-bundle", metavar="PEM", help="CA certificates to verify the server's TLS certificate with")
        p.add_argument("--insecure-skip-tls-verify", action="store_true",
                       help="do not verify the server's TLS certificate (warned about; for tests only)")
        if name == "push-rules":
            p.add_argument("--dry-run", action="store_true", help="show what would be done; write nothing")
        p.set_defaults(func=cmd_push_rules if name == "push-rules" else cmd_diff_rules)


class _Output:
    def __init__(self):
        self.secrets: list[str] = []

    def scrub(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return text

    def out(self, text: str) -> None:
        print(self.scrub(text), flush=True)

    def err(self, text: str) -> None:
        print(self.scrub(text), file=sys.stderr, flush=True)


def _target(args, output: _Output):
    """(project, the rule files, a PrometheusTarget or a RulerTarget), everything checked before any request."""
    from ..build import compile_project
    from ..output import stale_files
    from . import environments
    from .groups import rule_files

    project = Project.find(args.root)
    env = environments.load(project, args.env) if args.env else environments.Environment(name="")
    prometheus_url = args.prometheus_url or (None if args.ruler_url else env.prometheus_url)
    ruler_url = args.ruler_url or (None if args.prometheus_url else env.ruler_url or os.environ.get("RULER_URL"))
    if prometheus_url and args.ruler_url:
        raise DeliveryUsageError("--prometheus-url and --ruler-url: choose one target")
    if not prometheus_url and not ruler_url:
        raise DeliveryUsageError("no target: pass --prometheus-url URL --rules-dir DIR, or --ruler-url URL (or "
                                 "$RULER_URL), or --env NAME")
    for url in (prometheus_url, ruler_url):
        parts = urlsplit(url or "")
        if url and (parts.scheme not in ("http", "https") or not parts.hostname or parts.username):
            raise DeliveryUsageError("the URL must look like https://host:port, without credentials in it")

    stale = stale_files(project, compile_project(project))
    if stale:
        raise GeneratorError(f"{project.relative(project.generated)}/ is stale, and push-rules sends only what was "
                             "reviewed: run `make dashboards` and commit the result\n  "
                             + "\n  ".join(f"{p}: {why}" for p, why in stale))
    files = rule_files(os.path.join(project.generated, "rules"))
    if prometheus_url:
        from .prometheus import PrometheusTarget

        rules_dir = args.rules_dir or env.rules_dir
        if not rules_dir:
            raise DeliveryUsageError("--prometheus-url needs --rules-dir (the folder its rule_files load)")
        output.out(f"Prometheus {prometheus_url}, rules folder {rules_dir}")
        return project, files, PrometheusTarget(prometheus_url, rules_dir, timeout=args.timeout, wait=args.wait,
                                                   session=_session(args, output))
    return project, files, _ruler(args, project, env, ruler_url, output)


def _ruler(args, project, env, url: str, output: _Output):
    from ..grafana.config import is_loopback
    from .ruler import DEFAULT_API_PATH, RulerCredentials, RulerTarget

    environ = os.environ
    names = {"token": env.ruler_token_env or "RULER_TOKEN", "user": env.ruler_user_env or "RULER_USER",
             "password": env.ruler_password_env or "RULER_PASSWORD"}
    for key in ("ruler_token_env", "ruler_user_env", "ruler_password_env"):
        if getattr(env, key) and getattr(env, key) not in environ:
            raise DeliveryUsageError(f"environment {env.name}: {key} names {getattr(env, key)}, which is not set")
    token = environ.get(names["token"]) or None
    user = None if token else environ.get(names["user"]) or None
    password = environ.get(names["password"]) if user else None
    if user and password is None:
        raise DeliveryUsageError(f"{names['user']} is set but {names['password']} is not")
    credentials = RulerCredentials(token=token, user=user, password=password)
    output.secrets = credentials.secrets()
    parts = urlsplit(url)
    if credentials.secrets() and parts.scheme == "http" and not is_loopback(parts.hostname) \
            and not args.allow_insecure_http:
        raise DeliveryUsageError(f"refusing to send the ruler credentials over plain http to {parts.hostname}; use "
                                 "https, or pass --allow-insecure-http if this network is trusted")
    namespace = args.namespace or env.ruler_namespace or project.ruler_namespace
    tenant = args.tenant or env.tenant or environ.get("RULER_TENANT") or None
    output.out(f"ruler {url}, namespace {namespace!r}" + (f", tenant {tenant!r}" if tenant else ", no tenant"))
    return RulerTarget(url, namespace, tenant=tenant, credentials=credentials, timeout=args.timeout,
                       api_path=args.rules_api_path or env.rules_api_path or DEFAULT_API_PATH,
                       session=_session(args, output))


def _session(args, output: _Output):
    """A session with push's TLS and retry settings: retried only where safe to repeat."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    if args.insecure_skip_tls_verify:
        output.err("warning: --insecure-skip-tls-verify: the server's TLS certificate is not verified")
        session.verify = False
    elif args.ca_bundle:
        if not os.path.isfile(args.ca_bundle):
            raise DeliveryUsageError(f"--ca-bundle {args.ca_bundle}: no such file")
        session.verify = args.ca_bundle
    retry = Retry(total=max(args.retries, 0), connect=max(args.retries, 0), read=max(args.retries, 0),
                  status=max(args.retries, 0), allowed_methods=frozenset({"GET", "HEAD"}),
                  status_forcelist=(502, 503, 504), backoff_factor=0.2, raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _start(args, output: _Output):
    try:
        return _target(args, output), None
    except GeneratorError as e:
        output.err(f"error: {e}")
        return None, exitcodes.for_error(e)


def cmd_push_rules(args) -> int:
    from .groups import groups_of
    from .prometheus import PrometheusTarget
    from .ruler import DELETED, UNCHANGED, WOULD

    output = _Output()
    started, status = _start(args, output)
    if started is None:
        return status
    _project, files, target = started
    try:
        if isinstance(target, PrometheusTarget):
            report = target.push(files, dry_run=args.dry_run)
            for name in report.written:
                output.out(f"  {'would write' if args.dry_run else 'wrote':<12} {name}")
            for name in report.unchanged:
                output.out(f"  {'unchanged':<12} {name}")
            loaded = "" if args.dry_run else f"; {report.groups} group(s) loaded as written" + \
                (" after a reload" if report.reloaded else "")
            output.out(f"push-rules: {len(report.written)} file(s) {'to write' if args.dry_run else 'written'}, "
                       f"{len(report.unchanged)} unchanged{loaded}")
            return exitcodes.OK
        changes = target.sync(groups_of(files), prune=args.prune, dry_run=args.dry_run)
    except GeneratorError as e:
        output.err(f"error: {e}")
        return exitcodes.for_error(e)
    for c in changes:
        action = WOULD.get(c.action, c.action) if args.dry_run else c.action
        output.out(f"  {action:<12} {c.group}")
        if c.action not in (UNCHANGED, DELETED):
            for d in c.details:
                output.out(f"      {d}")
    for name in getattr(target, "leftovers", []):
        output.out(f"  {'left alone':<12} {name} (not declared by the code; --prune deletes it)")
    counts = {a: sum(1 for c in changes if c.action == a) for a in ("created", "updated", UNCHANGED, DELETED)}
    output.out("push-rules: " + ", ".join(f"{n} {WOULD.get(a, a) if args.dry_run else a}"
                                          for a, n in counts.items() if n or a != DELETED)
               + f" ({target.requests_sent} requests, {target.writes_sent} writes)")
    return exitcodes.OK


def cmd_diff_rules(args) -> int:
    from .groups import differences, groups_of
    from .prometheus import PrometheusTarget

    output = _Output()
    started, _status = _start(args, output)
    if started is None:
        return exitcodes.USAGE
    _project, files, target = started
    differing = 0
    try:
        if isinstance(target, PrometheusTarget):
            changed, previous = target.plan(files)
            for name in sorted(files):
                if name not in changed:
                    output.out(f"{name}: unchanged")
                    continue
                differing += 1
                if previous[name] is None:
                    output.out(f"{name}: created ({len(groups_of({name: files[name]}))} group(s))")
                    continue
                output.out(f"{name}: updated")
                old = {g.name: g.data for g in groups_of({name: previous[name]})}
                for group in groups_of({name: files[name]}):
                    details = differences(group.data, old.pop(group.name)) if group.name in old else ["added"]
                    for d in details:
                        output.out(f"    group {group.name}: {d}")
                for gone in old:
                    output.out(f"    group {gone}: removed")
            total = len(files)
        else:
            changes = target.plan(groups_of(files), prune=args.prune)
            for c in changes:
                output.out(f"{c.group}: {c.action}")
                differing += c.action != "unchanged"
                if c.action == "updated":
                    for d in c.details:
                        output.out(f"    {d}")
            for name in getattr(target, "leftovers", []):
                output.out(f"{name}: not declared by the code (push-rules --prune deletes it)")
            total = len(changes)
    except GeneratorError as e:
        output.err(f"error: {e}")
        return exitcodes.for_error(e, default=exitcodes.USAGE)  # like diff(1): 2, no comparison made
    output.out(f"diff-rules: a push would change {differing} of {total}" if differing
               else f"diff-rules: the target matches the code ({total})")
    return exitcodes.PROBLEMS if differing else exitcodes.OK
