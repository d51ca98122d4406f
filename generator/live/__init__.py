"""Live proof on real servers: a synthetic AI service, a local Prometheus + Alertmanager stack, and a validator
that runs every dashboard query against a Prometheus.

One module per job: ``durations`` (Prometheus duration strings), ``profile`` (real time or time-compressed),
``traffic`` and ``traffic_yaml`` (the traffic a content tree describes, and reading it), ``shapes`` and ``series``
(daily curve, latency buckets, where traffic lands among the series), ``workload`` (the simulated service),
``history`` (backfill through promtool), ``serve`` (its HTTP server), ``webhook`` (the Alertmanager receiver
that logs), ``config`` (Prometheus and Alertmanager configuration), ``procs`` (processes the stack starts and
stops), ``stack`` (up, down, status), ``validate`` (dashboards against a Prometheus) and ``commands`` (their
command lines).
"""
