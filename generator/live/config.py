"""Prometheus and Alertmanager configuration for a live stack, derived from the catalog and a profile.

The scrape job is the catalog's ``job`` scraped every catalog ``scrape_interval`` (divided by the profile's
speed), or, for a catalog pushed over OTLP (``ingestion: otlp``), no scrape at all and the OTLP receiver's
``translation_strategy`` (Prometheus runs with ``--web.enable-otlp-receiver``); rule files are the generated
ones; Alertmanager routes everything to one webhook receiver, grouping notifications by the labels the traffic
file names (``alertmanager: group_by``).
"""

from __future__ import annotations

import glob
import os

from ..catalog import Catalog
from .profile import Profile


def rule_files(generated_rules_dir: str) -> list[str]:
    """The generated rule files Prometheus loads: ``*.yml`` and ``*.yaml``, but not promtool tests (``*.test.yml``)."""
    files = sorted(glob.glob(os.path.join(generated_rules_dir, "*.yml"))
                   + glob.glob(os.path.join(generated_rules_dir, "*.yaml")))
    return [f for f in files if not f.endswith((".test.yml", ".test.yaml"))]


def prometheus_config(catalog: Catalog, profile: Profile, *, target: str, alertmanager: str,
                      rules: list[str]) -> dict:
    scrape = profile.interval(catalog.scrape_interval)
    return {
        "global": {
            "scrape_interval": scrape,
            "scrape_timeout": scrape,
            "evaluation_interval": profile.interval(profile.evaluation_interval),
        },
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]},
        "rule_files": list(rules),
        **({"otlp": {"translation_strategy": catalog.otlp_translation_strategy}} if catalog.ingestion == "otlp" else
           {"scrape_configs": [{"job_name": catalog.job, "static_configs": [{"targets": [target]}]}]}),
    }


OTLP_PATH = "/api/v1/otlp/v1/metrics"  # where Prometheus 3's OTLP receiver takes metrics (OTLP/HTTP)


def alertmanager_config(profile: Profile, *, webhook_url: str, group_by: tuple[str, ...] = ("alertname",)) -> dict:
    return {
        "route": {
            "receiver": "webhook",
            "group_by": list(group_by),
            "group_wait": profile.wall(profile.group_wait),
            "group_interval": profile.wall(profile.group_interval),
            "repeat_interval": profile.wall(profile.repeat_interval),
        },
        "receivers": [{
            "name": "webhook",
            "webhook_configs": [{"url": webhook_url, "send_resolved": True}],
        }],
    }
