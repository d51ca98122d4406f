"""Every panel of every generated dashboard, run against a real Prometheus: ok, empty or error, and how long.

For each dashboard of ``generated/dashboards/`` the validator does what Grafana does when it opens it:

- variables: each query variable's query runs (``label_values(metric{...}, label)`` through
  ``/api/v1/label/<label>/values``, ``query_result(...)`` as an instant query) and is reported like a panel.
  Its values are the catalog's values of that label (or what the query returned, for a label the catalog does
  not enumerate). A multi-value or All variable is expanded the way Grafana's Prometheus data source does,
  ``(v1|v2|...)``; a single-value variable is tried with *each* of its values, so that a per-value view (a
  dashboard with one selected value) is proven for every value, not only the first.
- built-in variables: ``$__interval`` is the range divided by the panel's ``maxDataPoints`` (``MAX_DATA_POINTS``
  for a panel without), rounded the way Grafana rounds it and never below the scrape interval or the panel's
  ``interval``; ``$__rate_interval`` is ``max($__interval + scrape interval, 4 × scrape interval)``; ``$__range``
  is the range in seconds (:mod:`.coverage`).
- targets: an instant target runs ``/api/v1/query`` at the end of the range, others ``/api/v1/query_range`` with
  ``$__interval`` as the step. A target is *ok* when Prometheus returns at least one sample, *empty* when it
  returns none, *error* when the query fails. A panel is as bad as its worst target, and *partial* when its range
  queries' series together have points at fewer than ``--coverage`` (0.9) of the range's evaluation times: a
  panel with one point at the right edge of an empty graph is not "ok".

The time of each query is measured on the client; a dashboard's load time is the sum over one view (its variable
queries and every target), compared with PRODUCT.md's budget of 2 s for 24 h. Exit status 1 when any panel or
variable is empty, partial or fails.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field

import requests

from .. import durations
from ..errors import GeneratorError
from ..grafana import model
from ..otlp import catalog_of
from ..output import generated_dashboards
from .coverage import DEFAULT_SHARE, MAX_DATA_POINTS, builtins, panel_interval, points, round_interval, share

__all__ = ["MAX_DATA_POINTS", "Validator", "expand", "round_interval"]

LOAD_BUDGET_SECONDS = 2.0
STATUS_ORDER = {"ok": 0, "partial": 1, "empty": 2, "error": 3}


@dataclass
class Check:
    dashboard: str
    kind: str  # "panel" or "variable"
    title: str
    status: str
    seconds: float
    view: str = ""  # the single-value variables of this run, e.g. "region=eu"
    queries: list[dict] = field(default_factory=list)  # {expr, status, series, seconds, error[, coverage]}
    coverage: float | None = None  # share of the range its range queries' series cover (None: instant only)


class Prometheus:
    def __init__(self, url: str, timeout: float):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def get(self, path: str, params: dict) -> tuple[str, object, float, str]:
        """(status, data, seconds, error) of one API call."""
        began = time.perf_counter()
        try:
            response = self.session.get(self.url + path, params=params, timeout=self.timeout)
            seconds = time.perf_counter() - began
            body = response.json()
        except requests.RequestException as e:
            return "error", None, time.perf_counter() - began, f"{type(e).__name__}: {e}"
        except ValueError:
            return "error", None, seconds, f"HTTP {response.status_code}: not JSON"
        if response.status_code != 200 or body.get("status") != "success":
            return "error", None, seconds, f"HTTP {response.status_code}: {body.get('error', body)}"
        return "ok", body["data"], seconds, ""


def _format_value(var: dict, values: list[str], all_selected: bool) -> str:
    if var.get("multi") or var.get("includeAll"):
        if all_selected and var.get("allValue"):
            return var["allValue"]
        return "(" + "|".join(re.sub(r"([\\.^$*+?()\[\]{}|])", r"\\\1", v) for v in values) + ")"
    return values[0] if values else ""


def expand(expr: str, values: dict[str, str]) -> str:
    """Replace every variable of ``expr`` (any of Grafana's syntaxes) with ``values``; unknown names stay."""
    return model.substitute(expr, lambda ref: values.get(ref.name))


def _count_samples(data: dict) -> int:
    kind, result = data.get("resultType"), data.get("result")
    if kind == "matrix":
        return sum(1 for series in result if series.get("values"))
    if kind == "vector":
        return len(result)
    return 1 if result is not None else 0  # scalar, string


class Validator:
    def __init__(self, prometheus: Prometheus, catalog, range_seconds: float, end: float | None = None,
                 min_coverage: float = DEFAULT_SHARE):
        self.prom = prometheus
        self.catalog = catalog
        self.range = range_seconds
        self.end = time.time() if end is None else end
        self.start = self.end - self.range
        self.min_coverage = min_coverage
        self.scrape = catalog.scrape_interval.total_seconds()
        # Variables and the report: a panel without maxDataPoints; each panel's queries use its own step.
        self.interval = panel_interval(self.range, self.scrape)
        self.builtins = builtins(self.range, self.scrape, self.interval)

    # -- variables ----------------------------------------------------------------------------------------------

    def resolve_variable(self, var: dict, query: str, values: dict[str, str]) -> tuple[dict, list[str]]:
        """Run the query ``query`` of variable ``var``, the variables it refers to at ``values``: (query record,
        the variable's options: the catalog's values of the label it lists, else what the query returned)."""
        record, found = self._variable_query(query, values)
        return record, self._values_for(var, found)

    def _variable_query(self, query: str, values: dict[str, str]) -> tuple[dict, list[str]]:
        """Run a variable's query; (query record, the values it returned)."""
        query = expand(query, {**self.builtins, **values})
        record = {"expr": query}
        parsed = model.parse_variable_query(query)
        if parsed is not None and parsed.kind == "label_values":
            params = {"start": self.start, "end": self.end}
            if parsed.expr and parsed.expr.strip():
                params["match[]"] = parsed.expr.strip()
            status, data, seconds, error = self.prom.get(f"/api/v1/label/{parsed.label}/values", params)
            found = [str(v) for v in data] if status == "ok" else []
        elif parsed is not None and parsed.kind == "query_result":
            status, data, seconds, error = self.prom.get("/api/v1/query", {"query": parsed.expr, "time": self.end})
            found = [json.dumps(r["metric"], sort_keys=True) for r in data["result"]] if status == "ok" else []
        else:
            status, seconds, found = "error", 0.0, []
            error = "only label_values(...) and query_result(...) are supported"
        if status == "ok" and not found:
            status = "empty"
        record.update(status=status, series=len(found), seconds=round(seconds, 4), error=error)
        return record, found

    def _values_for(self, var: dict, found: list[str]) -> list[str]:
        parsed = model.parse_variable_query(model.variable_query(var))
        label = parsed.label if parsed is not None else None
        declared = self.catalog.labels.get(label) if label else None
        if declared is not None and declared.values:
            return list(declared.values)
        return found

    # -- dashboards ---------------------------------------------------------------------------------------------

    def dashboard(self, data: dict) -> list[Check]:
        uid = data.get("uid", "?")
        variables = [v for v in model.variables(data) if v.get("type") != "datasource"]
        single = [v for v in variables if v.get("type") == "query" and not (v.get("multi") or v.get("includeAll"))]
        # Values of every variable (catalog first), then one view per combination of single-value variables.
        options: dict[str, list[str]] = {}
        by_name = {v["name"]: v for v in variables}
        var_checks: dict[str, Check] = {}
        for var in variables:
            name = var["name"]
            if var.get("type") == "query":
                query = model.variable_query(var)
                # Variables the query refers to are taken as All (a single-value one as its first value).
                values = {n: _format_value(by_name[n], options[n], True) for n in options}
                record, options[name] = self.resolve_variable(var, str(query), values)
                var_checks[name] = Check(uid, "variable", f"${name}", record["status"], record["seconds"],
                                         queries=[record])
            elif var.get("type") == "custom":
                options[name] = [o["value"] for o in var.get("options", []) if o.get("value") != "$__all"] or \
                    [x.strip() for x in str(var.get("query", "")).split(",") if x.strip()]
            else:  # constant, textbox, interval: the current value
                current = (var.get("current") or {}).get("value") or var.get("query") or ""
                options[name] = [current if isinstance(current, str) else current[0]]
        checks = list(var_checks.values())
        views = itertools.product(*[[(v["name"], value) for value in options[v["name"]]] for v in single]) \
            if single else [()]
        for view in views:
            chosen = dict(view)
            values = dict(self.builtins)
            for var in variables:
                name = var["name"]
                if name in chosen:
                    values[name] = chosen[name]
                else:
                    values[name] = _format_value(var, options.get(name, []), True)
            label = ", ".join(f"{k}={v}" for k, v in view)
            for panel in model.panels(data, rows=False):
                checks.append(self.panel(uid, panel, values, label))
        return checks

    def panel(self, uid: str, panel: dict, values: dict[str, str], view: str) -> Check:
        """Run the panel's targets with its own step (Grafana's, from its maxDataPoints and interval); the panel is
        *partial* when its series together have points at fewer than ``min_coverage`` of the evaluation times."""
        records, covered, ranged = [], set(), False
        step = panel_interval(self.range, self.scrape, panel)
        values = {**values, **builtins(self.range, self.scrape, step)}
        for target in model.targets(panel):
            if target.get("hide") or not target.get("expr"):
                continue
            expr = expand(target["expr"], values)
            record = {"expr": expr}
            if target.get("instant") and not target.get("range"):
                status, data, seconds, error = self.prom.get("/api/v1/query", {"query": expr, "time": self.end})
            else:
                ranged = True
                status, data, seconds, error = self.prom.get("/api/v1/query_range", {
                    "query": expr, "start": self.start, "end": self.end, "step": step})
                times = points(data) if status == "ok" else set()
                covered |= times
                record["coverage"] = round(share(times, self.start, self.end, step), 3)
            series = _count_samples(data) if status == "ok" else 0
            if status == "ok" and series == 0:
                status = "empty"
            record.update(status=status, series=series, seconds=round(seconds, 4), error=error)
            records.append(record)
        if not records:
            return Check(uid, "panel", panel.get("title", "?"), "error", 0.0, view,
                         [{"expr": "", "status": "error", "series": 0, "seconds": 0, "error": "no targets"}])
        worst = max((r["status"] for r in records), key=STATUS_ORDER.__getitem__)
        coverage = round(share(covered, self.start, self.end, step), 3) if ranged else None
        if worst == "ok" and coverage is not None and coverage < self.min_coverage:
            worst = "partial"
        return Check(uid, "panel", panel.get("title", "?"), worst, sum(r["seconds"] for r in records), view, records,
                     coverage)


def load_time(checks: list[Check]) -> float:
    """Seconds of queries to open one view of a dashboard: its variables plus its slowest view's panels."""
    variables = sum(c.seconds for c in checks if c.kind == "variable")
    views: dict[str, float] = {}
    for c in checks:
        if c.kind == "panel":
            views[c.view] = views.get(c.view, 0.0) + c.seconds
    return variables + (max(views.values()) if views else 0.0)


def stack_url(project) -> str | None:
    try:
        with open(os.path.join(project.root, ".stack", "stack.json")) as fh:
            return json.load(fh)["urls"]["prometheus"]
    except (OSError, ValueError, KeyError):
        return None


def run(project, args) -> int:
    url = args.prometheus or stack_url(project)
    if not url:
        raise GeneratorError("no Prometheus to validate against: pass --prometheus URL or start one with `make up`")
    catalog = catalog_of(project)
    every = generated_dashboards(project)
    dashboards = [d for d in every if not args.dashboard or d.get("uid") in args.dashboard]
    if args.dashboard and len(dashboards) != len(set(args.dashboard)):
        known = ", ".join(sorted(d.get("uid", "?") for d in every))
        raise GeneratorError(f"unknown dashboard uid in {args.dashboard} (known: {known})")
    prom = Prometheus(url, args.timeout)
    status, _, _, error = prom.get("/api/v1/status/buildinfo", {})
    if status != "ok":
        raise GeneratorError(f"cannot reach Prometheus at {url}: {error}")
    if not 0 <= args.coverage <= 1:
        raise GeneratorError(f"--coverage {args.coverage:g}: give a share from 0 to 1 (0.9: nine tenths)")
    validator = Validator(prom, catalog, args.range, min_coverage=args.coverage)
    report = []
    for data in dashboards:
        checks = validator.dashboard(data)
        report.append((data, checks, load_time(checks)))
    bad = sum(1 for _, checks, _ in report for c in checks if c.status != "ok")
    if args.format == "json":
        json.dump({
            "prometheus": url, "range_seconds": args.range, "interval": validator.builtins["__interval"],
            "rate_interval": validator.builtins["__rate_interval"], "budget_seconds": LOAD_BUDGET_SECONDS,
            "min_coverage": validator.min_coverage,
            "dashboards": [{"uid": d.get("uid"), "title": d.get("title"), "load_seconds": round(t, 4),
                            "checks": [asdict(c) for c in checks]} for d, checks, t in report],
            "problems": bad,
        }, sys.stdout, indent=2)
        print()
    else:
        _print_text(url, validator, report)
    return 1 if bad else 0


def _print_text(url: str, validator: Validator, report) -> None:
    b = validator.builtins
    print(f"validating against {url}: range {durations.format_seconds(validator.range)}, "
          f"$__interval {b['__interval']}, $__rate_interval {b['__rate_interval']} (a panel's own maxDataPoints "
          f"sets its step); a panel must cover {validator.min_coverage:.0%} of the range")
    total_bad = 0
    for data, checks, load in report:
        print(f"\n{data.get('uid')}  {data.get('title')}")
        for c in checks:
            where = f"  [{c.view}]" if c.view else ""
            kind = "variable " if c.kind == "variable" else ""
            covered = "     " if c.coverage is None else f"{c.coverage:4.0%} "
            print(f"  {c.status:<7} {c.seconds * 1000:7.1f} ms {covered} {kind}{c.title}{where}")
            if c.status != "ok":
                total_bad += 1
                for q in c.queries:
                    if q["status"] != "ok" or c.status == "partial":
                        detail = f"\n            {q['error']}" if q["error"] else ""
                        share = f" ({q['coverage']:.0%} of the range)" if "coverage" in q else ""
                        print(f"            {q['status']}{share}: {q['expr']}{detail}")
        verdict = "within" if load <= LOAD_BUDGET_SECONDS else "OVER"
        print(f"  load time {load:.3f} s for one view ({verdict} the {LOAD_BUDGET_SECONDS:g} s budget)")
    print(f"\n{total_bad} panel(s) or variable(s) empty, failing or covering less than "
          f"{validator.min_coverage:.0%} of the range (a stack without history: --coverage 0)" if total_bad
          else f"\nevery panel and variable has data, each panel across {validator.min_coverage:.0%} of the range "
               "or more")
