"""Where a repository keeps its content and output: ``[tool.generator]`` in its ``pyproject.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

from .dashboard_schema.enums import SCHEMAS
from .errors import GeneratorError

DEFAULTS = {
    "catalog": "catalog",
    "dashboards": "dashboards",
    "rules": "rules",
    "generated": "generated",
    "runbooks": "docs/runbooks",
    # The synthetic traffic `python -m generator workload` and `make up` serve (YAML); "" for a generic default.
    "traffic": "",
    "grafana_url": "http://localhost:3000",
    "runbook_url": "docs/runbooks",
    # Where `push` puts dashboards in Grafana: a folder path ("Parent/Child") and, optionally, the last one's uid.
    "grafana_folder": "Generated dashboards",
    "grafana_folder_uid": "",
    # Where `push-rules --ruler-url` puts the rule groups in a ruler (Mimir, Cortex, Loki); "" for the folder uid,
    # else the repository folder's name.
    "ruler_namespace": "",
    # Named places to deliver to, `[tool.generator.environments.<name>]` (see generator/delivery/environments.py).
    "environments": {},
    # [tool.generator.lint]: disable = [checks], severity = {check = "warning"}, ignore = [path globs]
    "lint": {},
    # The metric naming the service emits, one of `[tool.generator.namings.<name>]`; "" for the content's default.
    # Content reads it with `generator.project.current().metrics` and picks its queries; a naming's table
    # overrides the settings in NAMING_KEYS (its catalog and traffic, typically).
    "metrics": "",
    "namings": {},
    # The shape of generated/dashboards/*.json: "classic" (the dashboard JSON model of /api/dashboards) or "v2"
    # (dashboard.grafana.app/v2beta1 resources, Grafana 13's schema v2); an environment may push the other one.
    "dashboard_schema": "classic",
    # How the series reach Prometheus: "" (as the catalog says, scraped by default) or "otlp", pushed to Prometheus
    # 3's OTLP receiver with `otlp_translation_strategy` (generator/otlp.py derives the stored names).
    "ingestion": "",
    "otlp_translation_strategy": "",
}
NAMING_KEYS = ("catalog", "traffic", "ingestion", "otlp_translation_strategy")
INGESTIONS = ("", "scrape", "otlp")

# What each key of [tool.generator] means (docs/reference/configuration.md is written from here).
KEY_DOCS = {
    "catalog": "The metric catalog: a folder of `*.yml` files, or one file.",
    "dashboards": "The folder of dashboard modules (each `*.py` not starting with `_` assigns `dashboard`).",
    "rules": "The folder of rule modules (each assigns `groups`; `<name>_tests.py` beside it holds `tests`).",
    "generated": "Where `build` writes the dashboards' JSON and the rule files (committed, checked by `check`).",
    "runbooks": "The folder of runbooks, `<Alert>.md` each: the build refuses an alert without one.",
    "traffic": "The synthetic traffic file `workload` and `stack up` serve (YAML); empty for a generic default.",
    "grafana_url": "Grafana's base URL: alerts' `dashboard_url` point at `<grafana_url>/d/<uid>`.",
    "runbook_url": "Where runbooks are published: alerts' `runbook_url` is `<runbook_url>/<Alert>.md`.",
    "grafana_folder": "The Grafana folder `push` writes into (`Parent/Child` for nested folders).",
    "grafana_folder_uid": "The uid of that folder (the last one of the path).",
    "ruler_namespace": "The namespace of `push-rules --ruler-url` (default: `grafana_folder_uid`, else the "
                       "folder's name).",
    "environments": "Named places to deliver to: `[tool.generator.environments.<name>]` (keys below).",
    "lint": "`[tool.generator.lint]`: `disable` (checks not run), `severity` (a check's severity), `ignore` (path "
            "globs not linted).",
    "metrics": "The metric naming the content reads, one of `[tool.generator.namings]` (content reads it with "
               "`generator.project.current().metrics`).",
    "dashboard_schema": "What `build` writes into `generated/dashboards/`: `classic` (dashboard JSON) or `v2` "
                        "(`dashboard.grafana.app/v2beta1` resources, schema v2); an environment may override it.",
    "namings": "`[tool.generator.namings.<name>]`: per naming, the `catalog` and `traffic` it uses, and how its "
               "series reach Prometheus (`ingestion`, `otlp_translation_strategy`).",
    "ingestion": "How the series reach Prometheus: `scrape`, or `otlp` (pushed to Prometheus 3's OTLP receiver); "
                 "empty for what the catalog says. With `otlp`, the catalog is read as the receiver stores it: no "
                 "`up` or `scrape_*` series, no `otel_scope_*` labels, `le` as plain decimals.",
    "otlp_translation_strategy": "With `ingestion = \"otlp\"`, the receiver's `otlp.translation_strategy`: "
                                 "`UnderscoreEscapingWithSuffixes` (Prometheus' default: the exporter's names) or "
                                 "`NoUTF8EscapingWithSuffixes` (dotted names: `gen_ai.client.token.usage_bucket`), "
                                 "derived from the catalog and the traffic file's `otel:` instruments and "
                                 "attributes; the stack configures its Prometheus with it.",
}

_current: Project | None = None


def current() -> Project:
    """The project being compiled (set by the build before it imports content), else the one of the working
    directory: content modules read settings such as ``metrics`` from here."""
    return _current if _current is not None else Project.find()


def activate(project: Project) -> None:
    global _current
    _current = project


@dataclass(frozen=True)
class Project:
    root: str
    catalog: str
    dashboards: str
    rules: str
    generated: str
    runbooks: str
    grafana_url: str
    runbook_url: str
    grafana_folder: str = DEFAULTS["grafana_folder"]
    grafana_folder_uid: str = DEFAULTS["grafana_folder_uid"]
    traffic: str = ""  # absolute path, or "" when the repository describes no traffic
    ruler_namespace: str = ""
    environments: dict = field(default_factory=dict, compare=False, hash=False)
    lint: tuple = ()  # [tool.generator.lint] as sorted (key, value) pairs; see generator.lint.config
    metrics: str = ""  # the chosen naming (see DEFAULTS["metrics"])
    dashboard_schema: str = "classic"  # see DEFAULTS["dashboard_schema"]
    ingestion: str = ""  # "", "scrape" or "otlp" (see DEFAULTS["ingestion"])
    otlp_translation_strategy: str = ""

    @classmethod
    def find(cls, start: str | None = None) -> Project:
        """The project whose ``pyproject.toml`` has ``[tool.generator]``, searching upwards from ``start``."""
        here = os.path.abspath(start or os.getcwd())
        probe = here
        while True:
            candidate = os.path.join(probe, "pyproject.toml")
            if os.path.isfile(candidate):
                settings = _settings(candidate)
                if settings is not None:
                    return cls.from_settings(probe, settings)
            parent = os.path.dirname(probe)
            if parent == probe:
                raise GeneratorError(
                    f"no pyproject.toml with a [tool.generator] table in {here} or above; "
                    "run from the repository, or pass --root"
                )
            probe = parent

    @classmethod
    def from_settings(cls, root: str, settings: dict) -> Project:
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise GeneratorError(f"{root}/pyproject.toml: unknown [tool.generator] keys: {', '.join(sorted(unknown))}")
        merged = {**DEFAULTS, **settings}
        merged.update(_naming(root, merged["metrics"], merged["namings"]))
        if merged["dashboard_schema"] not in SCHEMAS:
            raise GeneratorError(f"{root}/pyproject.toml: [tool.generator] dashboard_schema = "
                                 f"{merged['dashboard_schema']!r}; expected one of {', '.join(SCHEMAS)}")
        root = os.path.abspath(root)
        paths = {k: os.path.join(root, merged[k]) for k in ("catalog", "dashboards", "rules", "generated", "runbooks")}
        return cls(root=root, grafana_url=merged["grafana_url"].rstrip("/"),
                   runbook_url=merged["runbook_url"].rstrip("/"), grafana_folder=merged["grafana_folder"],
                   grafana_folder_uid=merged["grafana_folder_uid"],
                   ruler_namespace=merged["ruler_namespace"] or merged["grafana_folder_uid"] or os.path.basename(root),
                   environments=dict(merged["environments"] or {}),
                   traffic=os.path.join(root, merged["traffic"]) if merged["traffic"] else "",
                   lint=tuple(sorted(merged["lint"].items())) if isinstance(merged["lint"], dict) else (),
                   metrics=merged["metrics"], dashboard_schema=merged["dashboard_schema"],
                   **_ingestion(root, merged), **paths)

    def relative(self, path: str) -> str:
        return os.path.relpath(path, self.root)

    def runbook_path(self, alert: str) -> str:
        return os.path.join(self.runbooks, f"{alert}.md")

    def runbook_url_for(self, alert: str) -> str:
        return f"{self.runbook_url}/{alert}.md"

    def dashboard_url_for(self, uid: str) -> str:
        return f"{self.grafana_url}/d/{uid}"


def _naming(root: str, name: object, namings: object) -> dict:
    """The settings the chosen naming overrides; a naming the table does not declare is an error."""
    where = f"{root}/pyproject.toml: [tool.generator]"
    if not isinstance(name, str):
        raise GeneratorError(f"{where} metrics: expected a string, got {name!r}")
    if not isinstance(namings, dict) or not all(isinstance(v, dict) for v in namings.values()):
        raise GeneratorError(f"{where} namings: expected tables [tool.generator.namings.<name>]")
    if not namings:
        return {}
    if name not in namings:
        raise GeneratorError(f"{where} metrics = {name!r} is not a naming of [tool.generator.namings]; known: "
                             f"{', '.join(sorted(namings))}")
    unknown = set(namings[name]) - set(NAMING_KEYS)
    if unknown:
        raise GeneratorError(f"{where}.namings.{name}: unknown keys {', '.join(sorted(unknown))} "
                             f"(a naming sets {', '.join(NAMING_KEYS)})")
    return dict(namings[name])


def _ingestion(root: str, merged: dict) -> dict:
    from .catalog.model import OTLP_TRANSLATIONS

    where = f"{root}/pyproject.toml: [tool.generator]"
    ingestion, strategy = merged["ingestion"], merged["otlp_translation_strategy"]
    if ingestion not in INGESTIONS:
        raise GeneratorError(f"{where} ingestion = {ingestion!r}: expected scrape or otlp")
    if strategy and strategy not in OTLP_TRANSLATIONS:
        raise GeneratorError(f"{where} otlp_translation_strategy = {strategy!r}: expected one of "
                             f"{', '.join(OTLP_TRANSLATIONS)}")
    if strategy and ingestion == "scrape":
        raise GeneratorError(f"{where} otlp_translation_strategy is for ingestion = \"otlp\"")
    return {"ingestion": ingestion, "otlp_translation_strategy": strategy}


def _settings(path: str) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise GeneratorError(f"{path}: cannot read: {e}") from e
    return data.get("tool", {}).get("generator")
