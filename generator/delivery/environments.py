"""Environments: named places to deliver the same build to, ``[tool.generator.environments.<name>]``::

    [tool.generator.environments.staging]
    grafana_url = "https://grafana.staging.example.com"
    grafana_folder = "AI Service (staging)"
    grafana_folder_uid = "ai-service-staging"
    datasource = "prom-staging"            # uid: the default of the dashboards' data source variable
    grafana_token_env = "STAGING_GRAFANA_TOKEN"   # the NAME of the variable holding the secret, never the secret
    dashboard_schema = "v2"                # push schema v2 resources here whatever generated/ holds
    grafana_api = "auto"                   # auto (discover /apis), apis, or legacy
    grafana_namespace = "stacks-123456"    # the /apis namespace (Grafana Cloud); default: default, or org-<id>
    ruler_url = "https://mimir.staging.example.com"
    tenant = "ai-staging"
    ruler_token_env = "STAGING_RULER_TOKEN"

    [tool.generator.environments.lab]
    prometheus_url = "http://prometheus.lab:9090"
    rules_dir = "/etc/prometheus/rules.d/ai"

``generated/`` stays one set of dashboards and rule files; what differs per environment is applied when pushing
(and shown by ``diff``): the Grafana URL, organisation and folder, the data source variable's default, the dashboard
schema sent (classic JSON or schema v2, converted by generator.dashboard_schema), where the rules go, the tenant,
and which variables hold the credentials. Flags given on the command line still win.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass

from ..dashboard_schema import SCHEMAS, kind_of, to_classic, to_v2
from .groups import DeliveryUsageError

KEYS = {
    "grafana_url": "Grafana's base URL",
    "grafana_org_id": "Grafana organisation id",
    "grafana_folder": 'folder path in Grafana ("Parent/Child")',
    "grafana_folder_uid": "uid of the (last) folder",
    "datasource": "uid of the data source the dashboards' datasource variable defaults to",
    "dashboard_schema": "the dashboard schema pushed here, classic or v2 (default: that of generated/)",
    "grafana_api": "the HTTP API dashboards go through: auto, apis (/apis, Grafana 12+) or legacy (/api)",
    "grafana_namespace": "the /apis namespace (default, org-<id>, or stacks-<id> on Grafana Cloud)",
    "grafana_token_env": "name of the variable holding the Grafana token",
    "grafana_user_env": "name of the variable holding the Grafana user",
    "grafana_password_env": "name of the variable holding the Grafana password",
    "ruler_url": "base URL of a Mimir/Cortex/Loki ruler",
    "ruler_namespace": "the ruler namespace of this repository's groups",
    "rules_api_path": "the ruler's rules API path",
    "tenant": "tenant, sent as X-Scope-OrgID",
    "ruler_token_env": "name of the variable holding the ruler's bearer token",
    "ruler_user_env": "name of the variable holding the ruler user",
    "ruler_password_env": "name of the variable holding the ruler password",
    "prometheus_url": "base URL of a Prometheus started with --web.enable-lifecycle",
    "rules_dir": "the folder that Prometheus loads rule files from (relative to the repository)",
}


@dataclass(frozen=True)
class Environment:
    name: str
    grafana_url: str = ""
    grafana_org_id: str = ""
    grafana_folder: str = ""
    grafana_folder_uid: str = ""
    datasource: str = ""
    dashboard_schema: str = ""
    grafana_api: str = ""
    grafana_namespace: str = ""
    grafana_token_env: str = ""
    grafana_user_env: str = ""
    grafana_password_env: str = ""
    ruler_url: str = ""
    ruler_namespace: str = ""
    rules_api_path: str = ""
    tenant: str = ""
    ruler_token_env: str = ""
    ruler_user_env: str = ""
    ruler_password_env: str = ""
    prometheus_url: str = ""
    rules_dir: str = ""


def load(project, name: str) -> Environment:
    """The environment ``name`` of ``project``'s settings; a clear error for an unknown name or key."""
    envs = project.environments or {}
    if name not in envs:
        known = ", ".join(sorted(envs)) or "none is declared"
        raise DeliveryUsageError(f"no environment {name!r} in [tool.generator.environments] (known: {known})")
    table = envs[name]
    if not isinstance(table, dict):
        raise DeliveryUsageError(f"[tool.generator.environments.{name}] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise DeliveryUsageError(f"[tool.generator.environments.{name}]: unknown keys {', '.join(unknown)} "
                                 f"(known: {', '.join(KEYS)})")
    values = {k: str(v) for k, v in table.items()}
    if values.get("dashboard_schema", "classic") not in SCHEMAS:
        raise DeliveryUsageError(f"[tool.generator.environments.{name}] dashboard_schema = "
                                 f"{values['dashboard_schema']!r}; expected one of {', '.join(SCHEMAS)}")
    if values.get("rules_dir"):
        values["rules_dir"] = os.path.join(project.root, values["rules_dir"])
    return Environment(name=name, **values)


def _named(env: Environment, key: str, environ) -> str | None:
    """The value of the variable whose name the environment gives in ``key`` (an error when it is unset)."""
    var = getattr(env, key)
    if not var:
        return None
    if var not in environ:
        raise DeliveryUsageError(f"environment {env.name}: {key} names {var}, which is not set")
    return environ[var]


def grafana_environ(env: Environment, environ=None) -> dict:
    """The ``GRAFANA_*`` variables as the environment says: its URL and organisation, and its credentials read from
    the variables it names (when it names any, the generic ``GRAFANA_TOKEN``… are not used)."""
    out = dict(os.environ if environ is None else environ)
    if env.grafana_url:
        out["GRAFANA_URL"] = env.grafana_url
    if env.grafana_org_id:
        out["GRAFANA_ORG_ID"] = env.grafana_org_id
    if env.grafana_token_env or env.grafana_user_env:
        token, user = _named(env, "grafana_token_env", out), _named(env, "grafana_user_env", out)
        password = _named(env, "grafana_password_env", out)
        for key in ("GRAFANA_TOKEN", "GRAFANA_USER", "GRAFANA_PASSWORD"):
            out.pop(key, None)
        for key, value in (("GRAFANA_TOKEN", token), ("GRAFANA_USER", user), ("GRAFANA_PASSWORD", password)):
            if value is not None:
                out[key] = value
    return out


def apply_to_grafana_args(args, project) -> dict | None:
    """For ``push``/``diff --env NAME``: fill the flags not given from the environment; returns the variables to
    read settings from (None without ``--env``) and keeps the environment on ``args.environment``."""
    args.environment = None
    if not getattr(args, "env", None):
        return None
    env = load(project, args.env)
    args.environment = env
    if not args.folder and env.grafana_folder:
        args.folder = env.grafana_folder
    if not args.folder_uid and env.grafana_folder_uid:
        args.folder_uid = env.grafana_folder_uid
    if not getattr(args, "api", None) and env.grafana_api:
        args.api = env.grafana_api
    if not getattr(args, "namespace", None) and env.grafana_namespace:
        args.namespace = env.grafana_namespace
    environ = grafana_environ(env)
    if args.grafana_url:
        environ.pop("GRAFANA_URL", None)
    return environ


def with_datasource(dashboards: list, uid: str) -> list:
    """``dashboards`` (each with ``.data``, classic JSON or a schema v2 resource) whose ``datasource`` template
    variables default to ``uid``."""
    if not uid:
        return dashboards
    out = []
    for dashboard in dashboards:
        data = copy.deepcopy(dashboard.data)
        if kind_of(data) == "v2":
            for variable in data["spec"].get("variables") or []:
                if variable.get("kind") == "DatasourceVariable" and isinstance(variable.get("spec"), dict):
                    variable["spec"]["current"] = {"selected": True, "text": uid, "value": uid}
        for variable in (data.get("templating") or {}).get("list") or []:
            if variable.get("type") == "datasource":
                variable["current"] = {"selected": True, "text": uid, "value": uid}
        out.append(dataclasses.replace(dashboard, data=data))
    return out


def with_schema(dashboards: list, schema: str) -> list:
    """``dashboards`` (each with ``.data``) in ``schema``: ``v2`` (dashboard.grafana.app/v2beta1 resources) or
    ``classic``; "" leaves them as generated/ holds them. The two convert both ways without loss for what a build
    writes (generator.dashboard_schema)."""
    if not schema:
        return dashboards
    out = []
    for dashboard in dashboards:
        is_v2 = kind_of(dashboard.data) == "v2"
        if schema == "v2" and not is_v2:
            dashboard = dataclasses.replace(dashboard, data=to_v2(to_classic(dashboard.data)))
        elif schema == "classic" and kind_of(dashboard.data) != "classic":
            dashboard = dataclasses.replace(dashboard, data=to_classic(dashboard.data))
        out.append(dashboard)
    return out
