"""The reference pages of docs/, written from the code so that they cannot drift from it: every command and flag
(argparse), every ``[tool.generator]`` key, the catalog's schema, the ``P.*`` and rule helpers, exit codes,
environment variables, and one page per lint check from its docstring. ``docs`` writes them; ``docs --check``
(and tests/test_docs.py) fails when a page differs from what the code says."""
