"""This service's content: what the engine (generator/) compiles, lints, tests and runs for it.

- settings.py: job, thresholds and dashboard uids, shared by the dashboards and the rules (owned by neither);
- catalog/: every metric the service exposes;
- dashboards/: the four dashboards; rules/: recording rules and alerts, with their unit tests beside them;
- runbooks/: one page per alert; traffic.yml: the synthetic traffic `make up` serves.

pyproject.toml's [tool.generator] tells the engine where each of these lives.
"""
