"""A local stack on loopback: the workload, Prometheus, Alertmanager and a webhook receiver, on free ports, with
everything (configuration, data, logs, pid records) under one directory, ``.stack/`` by default.

``up`` writes the configuration, starts the processes in dependency order, waits until each is ready and the
workload has been scraped, and records them in ``stack.json``; ``down`` stops exactly the processes recorded there
(a pid that now belongs to another process is left alone). Every ``up`` starts from empty Prometheus and
Alertmanager data, with a fresh history written by the workload and every recording rule evaluated over it
(:mod:`.rulehistory`), so that recorded series have as long a past as the raw ones.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta

import requests

from .. import durations, tools
from ..build import compile_project
from ..catalog import load_catalog
from ..otlp import catalog_of
from ..output import dump_yaml
from ..project import Project
from ..rules.render import render_group as _render_group
from .config import OTLP_PATH, alertmanager_config, prometheus_config, rule_files
from .procs import HOST, Proc, StackError, free_port, is_ours, spawn, stop, wait_ready
from .profile import PROFILES, REAL, Profile
from .rulehistory import backfill_rules, history_bounds, names_without_past, not_ours, recorded_names, shortest_window
from .traffic_yaml import load_traffic

STATE = "stack.json"


def _write_yaml(path: str, data: dict) -> None:
    with open(path, "wb") as fh:
        fh.write(dump_yaml(data))


@dataclass
class Stack:
    project: Project
    directory: str
    profile: Profile = REAL
    history: bool = True
    tier: str = ""  # the Prometheus major version it runs: "2" or "3" ("": 3 when installed, else 2)
    versions: dict[str, str] = field(default_factory=dict)  # tier, and the version of each tool it runs
    procs: dict[str, Proc] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    rule_history: dict = field(default_factory=dict)  # what backfill_rules did (levels, rules, blocks, seconds)
    history_series: str = "read"  # "read": the series the dashboards and rules read; "all": every one

    @classmethod
    def default(cls, project: Project, directory: str | None = None, profile: str = "real", history: bool = True,
                history_step: float | None = None, history_recent: float | None = None, tier: str = "",
                history_series: str = "read"):
        """``history_step``: seconds between history samples, instead of the profile's (a coarser history is
        written sooner); ``history_recent``: seconds at its end sampled as often as Prometheus scrapes, instead of
        the profile's hour (0: none). ``tier``: the Prometheus major version, "2" or "3" (default: 3 when `make
        tools` built it, else 2). ``history_series``: "read" writes the past of the series the dashboards and
        rules read only (the others start now), "all" of every series."""
        if profile not in PROFILES:
            raise StackError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        chosen = PROFILES[profile]
        if history_step:
            chosen = dataclasses.replace(chosen, history_step=timedelta(seconds=history_step))
        if history_recent is not None:
            chosen = dataclasses.replace(chosen, history_recent=timedelta(seconds=history_recent))
        return cls(project, os.path.abspath(directory or os.path.join(project.root, ".stack")), chosen, history,
                   tier, history_series=history_series)

    # -- paths and state ----------------------------------------------------------------------------------------

    def path(self, *parts: str) -> str:
        return os.path.join(self.directory, *parts)

    @property
    def webhook_log(self) -> str:
        return self.path("webhook.log")

    def load(self) -> bool:
        """Read ``stack.json``; False when there is none."""
        try:
            with open(self.path(STATE)) as fh:
                state = json.load(fh)
        except FileNotFoundError:
            return False
        self.procs = {name: Proc(**p) for name, p in state["processes"].items()}
        self.urls = state["urls"]
        self.profile = PROFILES.get(state.get("profile", "real"), REAL)
        self.versions = state.get("prometheus", {})
        self.tier = self.versions.get("tier", self.tier)
        return True

    def _save(self) -> None:
        state = {"profile": self.profile.name, "urls": self.urls, "prometheus": self.versions,
                 "processes": {name: p.to_json() for name, p in self.procs.items()}}
        if self.rule_history:
            state["rule_history"] = self.rule_history
        tmp = self.path(STATE + ".tmp")
        with open(tmp, "w") as fh:
            json.dump(state, fh, indent=2, sort_keys=True)
        os.replace(tmp, self.path(STATE))

    def running(self) -> dict[str, bool]:
        return {name: is_ours(p) for name, p in self.procs.items()}

    # -- up -----------------------------------------------------------------------------------------------------

    def up(self, log=print, timeout: float = 120.0) -> Stack:
        if self.load():
            if any(self.running().values()):
                raise StackError(f"a stack is already running from {self.directory} ({self.urls.get('prometheus')});"
                                 " stop it first with `make down` (python -m generator stack down)")
            os.unlink(self.path(STATE))
        try:
            self.tier = self.tier or tools.default_tier()
            found = {name: tools.find(name, self.tier) for name in ("prometheus", "alertmanager", "promtool")}
        except tools.ToolMissing as e:
            raise StackError(str(e)) from e
        prometheus, alertmanager = found["prometheus"].path, found["alertmanager"].path
        self.versions = {"tier": self.tier, **{name: t.version for name, t in found.items()}}
        log(f"Prometheus {found['prometheus'].version}, Alertmanager {found['alertmanager'].version} "
            f"(tier {self.tier}: `stack up --prometheus 2|3`)")
        catalog = catalog_of(self.project)
        if catalog.ingestion == "otlp" and self.tier == "2":
            raise StackError("this naming pushes over OTLP, and Prometheus 2 has no OTLP receiver: run "
                             "`stack up --prometheus 3`")
        if not catalog.job:
            raise StackError("the catalog sets no `job`: Prometheus needs it to name the workload's scrape job")
        # a bad traffic file stops us before any process (read against the catalog's file: the workload's names)
        self.traffic = load_traffic(self.project.traffic, load_catalog(self.project.catalog))
        os.makedirs(self.directory, exist_ok=True)
        for sub in ("prometheus", "alertmanager", "rules", "logs"):
            shutil.rmtree(self.path(sub), ignore_errors=True)
            os.makedirs(self.path(sub))
        for stale in ("webhook.log",):
            if os.path.exists(self.path(stale)):
                os.unlink(self.path(stale))
        ports = {name: free_port() for name in ("workload", "webhook", "alertmanager", "prometheus")}
        self.urls = {name: f"http://{HOST}:{port}" for name, port in ports.items()}
        self.procs = {}
        try:
            self._start(catalog, ports, prometheus, alertmanager, log, timeout, promtool=found["promtool"].path)
        except BaseException:
            self.down(log=lambda *_: None)
            raise
        return self

    def _rules(self) -> list[str]:
        """Rule files for Prometheus: the generated ones, or (compressed profile) the same objects compressed."""
        if not self.profile.compressed:
            files = rule_files(os.path.join(self.project.generated, "rules"))
            if not files:
                raise StackError(f"no rule files in {self.project.relative(self.project.generated)}/rules; "
                                 "run `make dashboards` first")
            return files
        out = []
        for compiled in compile_project(self.project).rules:
            groups = self.profile.groups(compiled.groups)
            path = self.path("rules", os.path.basename(compiled.path))
            _write_yaml(path, {"groups": [_render_group(self.project, g) for g in groups]})
            out.append(path)
        return out

    def _start(self, catalog, ports, prometheus, alertmanager, log, timeout, promtool: str) -> None:
        p = self.profile
        rules = self._rules()
        _write_yaml(self.path("prometheus.yml"), prometheus_config(
            catalog, p, target=f"{HOST}:{ports['workload']}", alertmanager=f"{HOST}:{ports['alertmanager']}",
            rules=rules))
        _write_yaml(self.path("alertmanager.yml"),
                    alertmanager_config(p, webhook_url=self.urls["webhook"] + "/alerts",
                                        group_by=self.traffic.group_by))
        python = [sys.executable, "-m", "generator", "--root", self.project.root]
        env = {**os.environ, "GENERATOR_PROMETHEUS": self.tier}  # the workload backfills with this tier's promtool

        self._launch("webhook", python + ["stack", "webhook", "--port", str(ports["webhook"]),
                                          "--log", self.webhook_log], "/-/ready", 30, log, env)
        workload = python + ["workload", "--host", HOST, "--port", str(ports["workload"]),
                             "--speed", f"{p.speed:g}", "--scrape-interval", p.interval(catalog.scrape_interval)]
        if catalog.ingestion == "otlp":  # the service pushes to the receiver, as often as it would be scraped
            workload += ["--otlp-endpoint", self.urls["prometheus"] + OTLP_PATH,
                         "--push-interval", p.interval(catalog.scrape_interval)]
        if self.history:
            window = shortest_window(rules)
            step = p.scale(p.history_step).total_seconds()
            if window and window[0] < 2 * step:
                log(f"note: a history step of {durations.format(p.history_step)} leaves "
                    f"{durations.format_seconds(window[0])} windows (in {window[1]}) with fewer than two samples: "
                    f"recorded series will have gaps in the history; use --history-step "
                    f"{durations.format_seconds(window[0] * p.speed / 2.5)} or less")
            recent = durations.format(p.history_recent) if p.history_recent else "0s"
            workload += ["--history", durations.format(p.history), "--history-step", durations.format(p.history_step),
                         "--history-recent", recent, "--history-series", self.history_series,
                         "--backfill-dir", self.path("prometheus")]
        # Writing the history takes a while: Prometheus starts only once its blocks are in place.
        self._launch("workload", workload, "/-/ready", max(timeout, 900), log, env)
        bounds = history_bounds(self.path("prometheus")) if self.history and p.rule_history else None
        if bounds:  # the recorded series over the same history, before the stack's Prometheus opens it
            self.rule_history = backfill_rules(
                rules, self.path("prometheus"), prometheus=prometheus, promtool=promtool, start=bounds[0],
                end=bounds[1], eval_interval=p.interval(p.evaluation_interval), logs=self.path("logs"), log=log,
                step=p.scale(p.history_step).total_seconds(), recent=p.scale(p.history_recent).total_seconds(),
                timeout=max(timeout, 600))
        self._launch("alertmanager", [
            alertmanager, f"--config.file={self.path('alertmanager.yml')}",
            f"--storage.path={self.path('alertmanager')}", f"--web.listen-address={HOST}:{ports['alertmanager']}",
            "--cluster.listen-address=",  # no gossip port: a single local instance
        ], "/-/ready", timeout, log)
        self._launch("prometheus", [
            prometheus, f"--config.file={self.path('prometheus.yml')}",
            f"--storage.tsdb.path={self.path('prometheus')}", f"--web.listen-address={HOST}:{ports['prometheus']}",
            "--storage.tsdb.retention.time=30d", f"--rules.alert.resend-delay={p.wall(p.resend_delay)}",
            "--web.enable-lifecycle",  # `make push-rules ARGS="--prometheus-url … --rules-dir .stack/rules"`
            *(["--web.enable-otlp-receiver"] if catalog.ingestion == "otlp" else []),
        ], "/-/ready", timeout, log)
        other = not_ours(self.urls["prometheus"], self.path("prometheus"))
        if other is not None:
            raise StackError(f"{self.urls['prometheus']} is not this stack's Prometheus: {other} answers there (the "
                             "port was taken after it was picked); run `stack up` again")
        self.wait_scraped(timeout)
        log(f"pushed: {catalog.job} pushes over OTLP ({catalog.otlp_translation_strategy})"
            if catalog.ingestion == "otlp" else f"scraped: {catalog.job} at {self.urls['workload']}/metrics is up")
        self.wait_rules_evaluated(timeout)
        log("rules: every group evaluated at least once")
        if bounds and self.rule_history.get("rules"):
            names = self.check_rule_history(rules, bounds)
            log(f"rule history: every recorded series has a past in Prometheus "
                f"({len(names) - len(self.rule_history['missing'])} of {len(names)} names halfway through the "
                "history)")

    def _launch(self, name: str, argv: list[str], ready: str, timeout: float, log, env: dict | None = None) -> None:
        proc = spawn(name, argv, self.path("logs", f"{name}.log"), cwd=self.project.root, url=self.urls[name],
                     env=env)
        self.procs[name] = proc
        self._save()
        began = time.monotonic()
        wait_ready(proc, self.urls[name] + ready, timeout)
        log(f"{name:<12} {self.urls[name]:<24} ready in {time.monotonic() - began:.1f} s (pid {proc.pid}, "
            f"log {os.path.relpath(proc.log)})")

    # -- while it runs ------------------------------------------------------------------------------------------

    def query(self, expr: str, timeout: float = 10.0) -> list[dict]:
        response = requests.get(self.urls["prometheus"] + "/api/v1/query", params={"query": expr}, timeout=timeout)
        response.raise_for_status()
        return response.json()["data"]["result"]

    def wait_for(self, what: str, check, timeout: float, interval: float = 0.2):
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise StackError(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(interval)

    def wait_scraped(self, timeout: float = 60.0) -> None:
        catalog = catalog_of(self.project)
        # A live sample (not the history) proves the scrape (`up`), or the first push (the receiver's target_info):
        # its timestamp is newer than the stack's start.
        series = "target_info" if catalog.ingestion == "otlp" else "up"
        since = time.time()
        what = "the first push" if series == "target_info" else "the first scrape"
        self.wait_for(f"{what} of job {catalog.job}", lambda: self._scraped_after(catalog.job, since, series),
                      timeout)

    def _scraped_after(self, job: str, since: float, series: str = "up") -> bool:
        result = self.query(f'timestamp({series}{{job="{job}"}} == 1)')
        return any(float(r["value"][1]) >= since for r in result)

    def wait_rules_evaluated(self, timeout: float = 60.0) -> None:
        """Until every rule group has been evaluated once (recording rules then have a value)."""
        def evaluated():
            response = requests.get(self.urls["prometheus"] + "/api/v1/rules", timeout=10)
            response.raise_for_status()
            groups = response.json()["data"]["groups"]
            return bool(groups) and all(not g.get("lastEvaluation", "0001").startswith("0001") for g in groups)
        self.wait_for("the first evaluation of every rule group", evaluated, timeout)

    def check_rule_history(self, rules: list[str], bounds: tuple[float, float]) -> list[str]:
        """The recorded series as the stack's Prometheus serves them halfway through the history: the names with no
        series there go to ``rule_history["missing"]``; returns every recorded name. None at all means the history's
        blocks did not reach this Prometheus (every panel reading a recorded series would be empty but for its last
        minutes): an error."""
        names = recorded_names(rules)
        middle = (bounds[0] + bounds[1]) / 2
        self.rule_history["missing"] = names_without_past(self.urls["prometheus"], names, middle)
        self._save()
        if len(self.rule_history["missing"]) == len(names):
            blocks = sorted(os.listdir(self.path("prometheus")))
            raise StackError(f"the rule history ({self.rule_history.get('blocks')} blocks) is not in Prometheus: "
                             f"none of the {len(names)} recorded names has a series at "
                             f"{time.strftime('%H:%M:%S', time.gmtime(middle))} UTC, halfway through the history; "
                             f"{len(blocks)} entries in {self.path('prometheus')}; see {self.path('logs')}")
        return names

    def scenario(self, name: str) -> dict:
        response = requests.post(f"{self.urls['workload']}/scenario/{name}", timeout=30)
        if response.status_code == 404:
            raise StackError(response.json()["error"])
        response.raise_for_status()
        return response.json()

    # -- down ---------------------------------------------------------------------------------------------------

    def down(self, log=print) -> list[str]:
        if not self.procs and not self.load():
            log(f"no stack recorded in {self.directory}; nothing to stop")
            return []
        done = []
        for name in ("prometheus", "alertmanager", "workload", "webhook"):
            proc = self.procs.get(name)
            if proc is None:
                continue
            outcome = stop(proc)
            log(f"{name:<12} pid {proc.pid}: {outcome}")
            done.append(name)
        if os.path.exists(self.path(STATE)):
            os.unlink(self.path(STATE))
        self.procs = {}
        return done

    def status(self) -> dict[str, str]:
        if not self.load():
            return {}
        return {name: ("running" if ok else "not running") for name, ok in self.running().items()}
