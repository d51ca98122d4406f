"""Command lines of the live proof: ``workload``, ``stack`` and ``validate`` (wired into ``python -m generator``)."""

from __future__ import annotations

import argparse
import os
import time

from .. import durations, exitcodes
from ..errors import GeneratorError
from .coverage import DEFAULT_SHARE


def _duration(text: str) -> float:
    try:
        return durations.seconds(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 15s, 5m or 26h") from e


def _project(args):
    from ..project import Project

    return Project.find(args.root)


def _read_by_the_build(project) -> set[str] | None:
    """The metric names the built dashboards and rules of ``project`` read (None: any, or it does not build)."""
    from ..build import compile_project
    from ..lint import names_read

    try:
        names = names_read(compile_project(project))
    except GeneratorError as e:
        print(f"history: every series (the dashboards and rules do not build: {e})", flush=True)
        return None
    if names is None:
        print("history: every series (a query selects series by a pattern)", flush=True)
    else:
        print(f"history: the series of the {len(names)} names the dashboards and rules read "
              "(--history-series all: every series)", flush=True)
    return names


def cmd_workload(args) -> int:
    from ..catalog import load_catalog
    from .history import Spelling, backfill, history_times, write_openmetrics
    from .procs import HOST, free_port
    from .serve import serve
    from .traffic_yaml import load_traffic
    from .workload import Workload

    project = _project(args)
    catalog = load_catalog(project.catalog)  # as the exporter names it: the workload's own series
    traffic = load_traffic(project.traffic, catalog)
    if args.check:
        where = project.relative(project.traffic) if project.traffic else "no traffic file (the generic default)"
        print(f"{where}: ok; scenarios: {', '.join(traffic.scenarios)}")
        return exitcodes.OK
    if args.scenario not in traffic.scenarios:
        raise GeneratorError(f"unknown scenario {args.scenario!r}; known: {', '.join(traffic.scenarios)}")
    if not catalog.job:
        raise GeneratorError("the catalog sets no `job`: the workload's samples need it")
    if args.otlp_endpoint and traffic.otel is None:
        raise GeneratorError("--otlp-endpoint: the traffic file has no `otel:` section (the instruments to push)")
    port = args.port or free_port()
    instance = args.instance or f"{args.host if args.host != '0.0.0.0' else HOST}:{port}"
    target = {"job": catalog.job, "instance": instance}
    if traffic.otel is not None:
        from ..extras import require

        require("otel")
        from .otel import OtelWorkload

        workload = OtelWorkload(catalog, traffic, scenario=args.scenario, speed=args.speed, seed=args.seed,
                                otlp_endpoint=args.otlp_endpoint, instance=instance)
        workload.recording = not args.history
    else:
        workload = Workload(catalog, traffic, scenario=args.scenario, speed=args.speed, seed=args.seed)
    spelling = Spelling.of(project, catalog)  # how Prometheus stores the series: as scraped, or over OTLP
    keep = _read_by_the_build(project) if args.history and args.history_series == "read" else None
    if args.history:
        length, step = args.history / args.speed, args.history_step / args.speed
        # Its end as often as Prometheus scrapes: short rate windows have data as soon as it starts.
        scraped = args.scrape_interval or catalog.scrape_interval.total_seconds() / args.speed
        recent = {"recent": args.history_recent / args.speed, "recent_step": scraped} if args.history_recent else {}
        if args.write_history:
            end = time.time()
            workload.wall, workload.anchor = end - length, end
            count = write_openmetrics(workload, args.write_history, history_times(end - length, end, step, **recent),
                                      target, spelling, keep)
            print(f"wrote {count} samples to {args.write_history}")
            return exitcodes.OK
        if args.backfill_dir:
            try:
                backfill(workload, args.backfill_dir, length=length, step=step, target=target, **recent,
                         spelling=spelling, keep=keep, log=lambda m: print(m, flush=True))
            except (FileNotFoundError, RuntimeError) as e:
                raise GeneratorError(str(e)) from e
    elif args.write_history or args.backfill_dir:
        raise GeneratorError("--write-history and --backfill-dir need --history (for example --history 26h)")
    workload.recording = True
    if args.otlp_endpoint:
        workload.push_every(args.push_interval, log=lambda m: print(m, flush=True))
    serve(workload, args.host, port, log=lambda m: print(m, flush=True))
    return exitcodes.OK


def cmd_stack(args) -> int:
    from .procs import StackError
    from .stack import Stack

    stack = Stack.default(_project(args), args.dir, profile=getattr(args, "profile", "real"),
                          history=not getattr(args, "no_history", False),
                          history_step=getattr(args, "history_step", None),
                          history_recent=getattr(args, "history_recent", None),
                          history_series=getattr(args, "history_series", "read"),
                          tier=getattr(args, "prometheus", "") or "")
    try:
        if args.action == "up":
            began = time.monotonic()
            stack.up()
            print(f"\nstack up in {time.monotonic() - began:.0f} s ({stack.profile.name} time, Prometheus "
                  f"{stack.versions['prometheus']}); stop it with `make down`")
            for name in ("prometheus", "alertmanager", "workload", "webhook"):
                print(f"  {name:<12} {stack.urls[name]}")
            print(f"  notifications are logged to {os.path.relpath(stack.webhook_log)}")
            print(f"  switch faults with: python -m generator stack scenario <name> "
                  f"(or curl -X POST {stack.urls['workload']}/scenario/<name>)")
        elif args.action == "down":
            stack.down()
        elif args.action == "status":
            status = stack.status()
            if not status:
                print(f"no stack recorded in {stack.directory}")
                return exitcodes.PROBLEMS
            for name, state in status.items():
                print(f"  {name:<12} {state:<12} {stack.urls.get(name, '')}")
            return exitcodes.OK if all(s == "running" for s in status.values()) else exitcodes.PROBLEMS
        elif args.action == "scenario":
            if not stack.load():
                raise StackError("no stack running; start one with `make up`")
            if args.name:
                stack.scenario(args.name)
            import requests

            print(requests.get(stack.urls["workload"] + "/scenario", timeout=10).text, end="")
    except StackError as e:
        raise GeneratorError(str(e)) from e
    return exitcodes.OK


def cmd_webhook(args) -> int:
    from .webhook import serve

    serve(args.host, args.port, args.log, log=lambda m: print(m, flush=True))
    return exitcodes.OK


def cmd_validate(args) -> int:
    from .validate import run

    return run(_project(args), args)


def add_commands(sub) -> None:
    """Add ``workload``, ``stack`` and ``validate`` to the ``python -m generator`` parser."""
    p = sub.add_parser("workload", help="serve a synthetic service emitting every catalog metric",
                       description="Serve /metrics with every metric of the catalog, shaped by the traffic file "
                                   "([tool.generator] traffic); switch faults with POST /scenario/<name> (the "
                                   "file's scenarios).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--scenario", default="normal", help="scenario of the traffic file to start with (default normal)")
    p.add_argument("--check", action="store_true", help="only check the traffic file against the catalog and exit")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per wall second (default 1)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--instance", help="instance label of the history (default host:port)")
    p.add_argument("--history", type=_duration, help="write this much (simulated) history first, e.g. 26h")
    p.add_argument("--history-step", type=_duration, default=60.0, help="one history sample per step (default 1m)")
    p.add_argument("--history-recent", type=_duration, default=3600.0, metavar="DURATION",
                   help="the end of the history sampled as often as Prometheus scrapes (default 1h; 0s: none)")
    p.add_argument("--history-series", choices=["all", "read"], default="all",
                   help="the series the history holds: all (default), or only those the built dashboards and rules "
                        "read (written sooner; the others start now)")
    p.add_argument("--scrape-interval", type=_duration, metavar="DURATION",
                   help="how often Prometheus scrapes (or --otlp-endpoint is pushed to), in wall time: the end of the "
                        "history is sampled as often (default: the catalog's scrape interval divided by --speed)")
    p.add_argument("--backfill-dir", help="Prometheus data directory to write the history into (promtool)")
    p.add_argument("--write-history", metavar="FILE", help="only write the history as OpenMetrics to FILE and exit")
    p.add_argument("--otlp-endpoint", metavar="URL",
                   help="push the metrics over OTLP/HTTP to this receiver (Prometheus 3: "
                        "http://HOST:PORT/api/v1/otlp/v1/metrics) instead of serving them for a scrape")
    p.add_argument("--push-interval", type=_duration, default=15.0,
                   help="with --otlp-endpoint, one push per interval of wall time (default 15s)")
    p.set_defaults(func=cmd_workload)

    p = sub.add_parser("stack", help="start, stop or inspect the local Prometheus + Alertmanager stack",
                       description="A local stack on free loopback ports: the workload, Prometheus (with the "
                                   "generated rules), Alertmanager and a webhook receiver; state in .stack/.")
    p.add_argument("--dir", help="directory for configuration, data and logs (default .stack/)")
    actions = p.add_subparsers(dest="action", metavar="action")
    actions.required = True
    up = actions.add_parser("up", help="start everything and wait until it is ready")
    up.add_argument("--profile", default="real", choices=["real", "compressed"],
                    help="real time (default) or time compressed 60x, as the end-to-end tests run it")
    up.add_argument("--no-history", action="store_true", help="do not backfill a history")
    up.add_argument("--history-step", type=_duration, metavar="DURATION",
                    help="one history sample per step before the last hour (default: the profile's, 1m in real "
                         "time); a coarser step starts sooner, for big catalogs")
    up.add_argument("--history-recent", type=_duration, metavar="DURATION",
                    help="the end of the history sampled as often as Prometheus scrapes, so that short rate "
                         "windows have data at once (default 1h; 0s: every sample at --history-step, sooner still)")
    up.add_argument("--history-series", choices=["read", "all"], default="read",
                    help="the series the history holds: read (default), those the dashboards and rules read, or "
                         "all, every series the workload serves (the GenAI naming's token-usage buckets, which "
                         "nothing reads, are a sixth of its history's samples)")
    up.add_argument("--prometheus", choices=["2", "3"],
                    help="the Prometheus major version to run (default: 3 when `make tools` built it, else 2; "
                         "GENERATOR_PROMETHEUS sets the default)")
    actions.add_parser("down", help="stop the processes `up` started")
    actions.add_parser("status", help="say which of them run")
    sc = actions.add_parser("scenario", help="show or switch the workload's scenario")
    sc.add_argument("name", nargs="?", help="a scenario of the traffic file (none: show the current one)")
    hook = actions.add_parser("webhook")  # the receiver `up` starts (no help: not for users)
    hook.add_argument("--host", default="127.0.0.1")
    hook.add_argument("--port", type=int, required=True)
    hook.add_argument("--log", required=True)
    hook.set_defaults(func=cmd_webhook)
    p.set_defaults(func=cmd_stack)
    for action in (up, actions.choices["down"], actions.choices["status"], sc):
        action.set_defaults(func=cmd_stack)

    p = sub.add_parser("validate", help="run every dashboard query against a Prometheus; fail on empty panels",
                       description="Expand the variables of every generated dashboard, run each panel target and "
                                   "variable query against Prometheus and report ok, empty or error per panel.")
    p.add_argument("--prometheus", help="Prometheus URL (default: the stack started by `make up`)")
    p.add_argument("--range", type=_duration, default=24 * 3600.0, help="time range to query (default 24h)")
    p.add_argument("--dashboard", action="append", help="only this dashboard uid (repeatable)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per query (default 30)")
    p.add_argument("--coverage", type=float, default=DEFAULT_SHARE, metavar="SHARE",
                   help="fail a panel whose series have points at less than this share of the range's evaluation "
                        f"times (default {DEFAULT_SHARE:g}; 0 only asks for some data, e.g. on a stack without "
                        "history)")
    p.set_defaults(func=cmd_validate)
