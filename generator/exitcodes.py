"""The exit status of every ``python -m generator`` command, defined once.

- 0 ``OK``: done, nothing to report (clean lint, nothing stale, every push succeeded, no difference);
- 1 ``PROBLEMS``: done, and found something: lint errors, stale ``generated/``, failing rule tests, a push
  conflict or failure, a difference; also a user error in the content (a module that does not compile);
- 2 ``USAGE``: could not do the job at all: bad flags, missing URL or credentials, unreadable input files;
- 130 ``INTERRUPTED``: stopped with Ctrl-C.
"""

OK = 0
PROBLEMS = 1
USAGE = 2
INTERRUPTED = 130
