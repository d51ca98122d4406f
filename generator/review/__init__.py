"""Review aids for pull requests: what a change does to the dashboards and rules, in a reviewer's terms.

- :mod:`.sources` builds the base (a git ref, in a temporary worktree and its own interpreter) and the working tree;
- :mod:`.compare` and :mod:`.rules` turn the two outputs into changes (panels, queries, variables, alerts, lint);
- :mod:`.markdown` renders them as text, Markdown (a pull-request comment) or JSON;
- :mod:`.preview` draws a dashboard as a PNG laid out as Grafana does, with a Prometheus's data;
- :mod:`.commands` wires ``review`` and ``preview`` into ``python -m generator``.
"""
