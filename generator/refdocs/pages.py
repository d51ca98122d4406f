"""The reference pages other than the command line and the checks: configuration keys, the catalog's schema, the
content helpers, exit codes and environment variables, each from the data the code itself reads."""

from __future__ import annotations

import inspect

from .text import cell, first_paragraph, prose

# Every environment variable the engine reads (tests/test_docs.py finds each name the code uses in here).
VARIABLES = {
    "GENERATOR_ROOT": "The content tree, as `--root` (which wins); `make ... ROOT=DIR` sets it.",
    "GENERATOR_LINT_JOBS": "`1` or `2`: how many processes a big lint may use (default: 2 when it pays).",
    "PROMTOOL": "Prometheus 2's `promtool` (default: the one on `PATH`; `PROMETHEUS`, `ALERTMANAGER`, `AMTOOL` "
                "likewise).",
    "PROMTOOL3": "Prometheus 3's `promtool`, instead of the build of `make tools` in `.tools/` (`PROMETHEUS3`, "
                 "`ALERTMANAGER3`, `AMTOOL3` likewise); a binary's tier is what its `--version` says.",
    "GENERATOR_TOOLS_DIR": "Where `make tools` builds, and the engine finds, the Prometheus 3 tier (default: "
                           "`.tools/` of the engine's repository).",
    "CORTEX": "A Cortex for `tests/test_ruler_cortex.py`, instead of the build of `make tools-ruler` in `.tools/` "
              "(`PINT` and `SLOTH` likewise, for `make bench`, instead of `make tools-anchors`).",
    "GENERATOR_PROMETHEUS": "`2` or `3`: the Prometheus `stack up` runs (default: 3 when built, else 2; or "
                            "`--prometheus`).",
    "GRAFANA_URL": "Grafana's base URL for `push`, `diff` and `import --uid/--folder` (or `--grafana-url`).",
    "GRAFANA_TOKEN": "A Grafana service account token (never printed).",
    "GRAFANA_USER": "Basic auth user, with `GRAFANA_PASSWORD`, when there is no token.",
    "GRAFANA_PASSWORD": "Basic auth password (never printed).",
    "GRAFANA_ORG_ID": "The Grafana organisation (or `--org-id`).",
    "GRAFANA_CA_BUNDLE": "A CA bundle to verify Grafana's TLS certificate with (or `--ca-bundle`).",
    "GRAFANA_API": "`auto` (default), `apis` or `legacy`: the HTTP API dashboards go through (or `--api`, "
                   "`grafana_api` of an environment).",
    "GRAFANA_NAMESPACE": "The `/apis` namespace of `push`, `diff` and `import --uid/--folder`: `default` "
                         "(organisation 1), `org-<id>`, `stacks-<stack id>` on Grafana Cloud (or `--namespace`, "
                         "`grafana_namespace` of an environment).",
    "RULER_URL": "A Mimir/Cortex/Loki ruler's base URL for `push-rules`/`diff-rules` (or `--ruler-url`).",
    "RULER_TENANT": "The tenant sent as `X-Scope-OrgID` (or `--tenant`).",
    "RULER_TOKEN": "The ruler's bearer token (never printed).",
    "RULER_USER": "Ruler basic auth user, with `RULER_PASSWORD`.",
    "RULER_PASSWORD": "Ruler basic auth password (never printed).",
}


def _table(rows, head=("key", "meaning")) -> list[str]:
    return [f"| {' | '.join(head)} |", "| " + " | ".join("---" for _ in head) + " |",
            *(f"| {' | '.join(cell(str(c)) for c in row)} |" for row in rows)]


def configuration_page() -> str:
    from ..delivery.environments import KEYS as ENV_KEYS
    from ..lint.config import KEYS as LINT_KEYS
    from ..project import DEFAULTS, KEY_DOCS, NAMING_KEYS

    def default(v):
        return f"`{v}`" if isinstance(v, str) and v else ("" if isinstance(v, (dict, str)) else f"`{v}`")

    out = ["# `[tool.generator]` reference", "",
           "Written by `ai-monitoring-as-code docs` from `generator/project.py`; do not edit. The engine finds the "
           "`pyproject.toml` with this table from the current folder upwards (or `--root`, `GENERATOR_ROOT`); paths "
           "are relative to it. An unknown key is an error.", "", "## `[tool.generator]`", ""]
    out += _table([(f"`{k}`", default(DEFAULTS[k]), KEY_DOCS[k]) for k in DEFAULTS], ("key", "default", "meaning"))
    out += ["", "## `[tool.generator.lint]`", ""]
    lint_docs = {"disable": "Checks not run at all: `[\"dashboard/panel-without-description\"]`.",
                 "severity": "Another severity for a check's problems: `{ \"alert/missing-for\" = \"error\" }`.",
                 "ignore": "Files not linted: globs from the repository root, `[\"vendor/**\"]`."}
    out += _table([(f"`{k}`", lint_docs.get(k, "")) for k in LINT_KEYS])
    out += ["", "## `[tool.generator.namings.<name>]`", "",
            "A metric naming the content can read (`metrics = \"<name>\"` picks one); each overrides:", ""]
    out += _table([(f"`{k}`", KEY_DOCS[k]) for k in NAMING_KEYS])
    out += ["", "## `[tool.generator.environments.<name>]`", "",
            "A place to deliver the same build to (`push --env NAME`, `push-rules --env NAME`); flags win over it. "
            "Secrets are never written here: the `*_env` keys name the variable that holds them.", ""]
    out += _table([(f"`{k}`", prose(v)) for k, v in ENV_KEYS.items()])
    return "\n".join(out) + "\n"


def catalog_page() -> str:
    from ..catalog import schema
    from ..catalog.model import METRIC_TYPES

    out = ["# Catalog reference", "",
           "Written by `ai-monitoring-as-code docs` from `generator/catalog/schema.py`; do not edit. The catalog is "
           "a folder of `*.yml` files (or one file) whose `labels:` and `metrics:` are merged; the settings may be "
           "in any one of them. Every mistake is reported at once, with its file and line.", "",
           "```yaml", "scrape_interval: 15s", "job: my-service", "forbidden_labels: [user_id, prompt]",
           "target_labels: [job, instance]", "labels:", "  model: {help: Model asked., values: [gpt-4o, claude]}",
           "  route: {help: HTTP route., bound: 50}", "metrics:", "  llm_requests_total:", "    type: counter",
           "    unit: requests", "    help: LLM calls.", "    labels: [model]", "```", "", "## Top-level keys", ""]
    out += _table([(f"`{k}`", v) for k, v in schema.SETTINGS.items()])
    out += ["", "## A label (`labels.<name>`)", ""]
    out += _table([(f"`{k}`", v) for k, v in schema.LABEL.items()])
    out += ["", f"## A metric (`metrics.<name>`): types {', '.join(f'`{t}`' for t in METRIC_TYPES)}", ""]
    out += _table([(f"`{k}`", v) for k, v in schema.METRIC.items()])
    return "\n".join(out) + "\n"


def _signature(obj) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def helpers_page() -> str:
    from .. import panels
    from .. import rules as rules_api

    out = ["# Content helpers reference", "",
           "Written by `ai-monitoring-as-code docs` from `generator/panels.py` and `generator/rules/`; do not edit. "
           "A dashboard module imports `from generator import panels as P`; a rules module "
           "`from generator.rules import Alert, RuleGroup, ...`.", "", "## Panels and dashboards (`P.*`)", ""]
    for name, obj in vars(panels).items():
        if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != panels.__name__:
            continue
        out += [f"### `P.{name}`", "", "```python", f"P.{name}{_signature(obj)}", "```", "",
                first_paragraph(obj.__doc__) or "(no docstring)", ""]
    out += ["Colours for thresholds: " + ", ".join(f"`P.{n}`" for n in sorted(vars(panels))
                                                    if n.isupper() and isinstance(getattr(panels, n), str)
                                                    and getattr(panels, n).startswith(("#", "green", "red")))
            + ".", "", "## Rules, tests and objectives (`generator.rules`)", ""]
    for name in rules_api.__all__:
        obj = getattr(rules_api, name)
        out += [f"### `{name}`", "", "```python", f"{name}{_signature(obj)}", "```", "",
                first_paragraph(obj.__doc__) or "(no docstring)", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def exit_codes_page() -> str:
    from ..exitcodes import CODES

    out = ["# Exit codes", "", "Written by `ai-monitoring-as-code docs` from `generator/exitcodes.py`; do not edit. "
           "Every command keeps this contract.", ""]
    out += _table([(f"`{code}`", meaning) for code, meaning in CODES.items()], ("code", "meaning"))
    return "\n".join(out) + "\n"


def environment_page() -> str:
    out = ["# Environment variables", "", "Written by `ai-monitoring-as-code docs`; do not edit. Secrets are read "
           "only from the environment and never printed.", ""]
    out += _table([(f"`{k}`", v) for k, v in VARIABLES.items()], ("variable", "meaning"))
    return "\n".join(out) + "\n"
