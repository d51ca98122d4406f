"""``yaml.safe_load`` with libyaml's parser when PyYAML was built with it (ten times faster), else PyYAML's own."""

from __future__ import annotations

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream):
    """What ``yaml.safe_load(stream)`` returns; the same errors (``yaml.YAMLError`` with ``problem_mark``)."""
    return yaml.load(stream, Loader=SafeLoader)
