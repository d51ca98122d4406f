"""Talking to Grafana: a client with clear failures, a safe push, a reviewer's diff.

- :mod:`.errors`   the exception hierarchy (every failure is a :class:`~generator.errors.GeneratorError`);
- :mod:`.config`   connection settings from flags and the environment, checked before anything is sent;
- :mod:`.client`   one ``requests`` session, retries only where safe;
- :mod:`.marker`   the content hash a pushed dashboard carries, which tells "ours, untouched" from "edited";
- :mod:`.folders`  finding or creating the (possibly nested) folder dashboards go into;
- :mod:`.push`     plan and apply a push: created / updated / unchanged / conflict / failed, and prune;
- :mod:`.diff`     what a push would change, in terms a reviewer reads;
- :mod:`.commands` the ``push`` and ``diff`` commands of ``python -m generator``.
"""
