"""A YAML loader for big rule files: libyaml's event stream turned straight into dicts and lists.

PyYAML's ``CSafeLoader`` parses in C but builds a Python node for every value and resolves it in Python; on a
10,000-rule file that was half the lint's time. This loader reads the C parser's events and builds the data
directly, resolving plain scalars with PyYAML's own resolver and constructors, so the result is what
``yaml.safe_load`` returns (a property test holds it to that). It records the line of every mapping, as the
lint's line numbers need. Anything unusual (anchors, aliases, merge keys, explicit tags, several documents,
unhashable keys) raises :class:`Unsupported` and the caller falls back to the full loader.
"""

from __future__ import annotations

import yaml
from yaml import events as E

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# First characters a non-string plain scalar can start with (every character, if a resolver matches any).
_MAY_RESOLVE = frozenset(k for k in _RESOLVER.yaml_implicit_resolvers if k is not None)
_RESOLVE_ALL = None in _RESOLVER.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.SafeLoader("")  # only its construct_yaml_* methods are used
_PLAIN_TAGS = (None, "!")
_NOTHING = object()


class Unsupported(Exception):
    """The document uses YAML this loader leaves to PyYAML's full loader."""


def _scalar(event):
    value = event.value
    if event.anchor is not None:
        raise Unsupported
    if event.tag not in _PLAIN_TAGS:
        if event.tag != _STR:
            raise Unsupported
        return value
    if not event.implicit[0]:  # quoted or block scalars are strings
        return value
    if not value:
        return None
    if value[0] not in _MAY_RESOLVE and not _RESOLVE_ALL:
        return value
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, event.implicit)
    if tag == _STR:
        return value
    if tag not in _CONSTRUCTOR.yaml_constructors or tag.endswith((":merge", ":value")):
        raise Unsupported
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))


def load(text: str) -> tuple[object, dict[int, int]]:
    """``(data, {id(mapping): line})``; raises yaml.YAMLError on invalid YAML, Unsupported as said above."""
    if CParser is None:
        raise Unsupported
    parser = CParser(text)
    lines: dict[int, int] = {}
    stack: list = []
    keys: list = []
    root = _NOTHING
    documents = 0
    next_event = parser.get_event
    while True:
        event = next_event()
        kind = type(event)
        if kind is E.ScalarEvent:
            value = _scalar(event)
        elif kind is E.MappingStartEvent or kind is E.SequenceStartEvent:
            if event.anchor is not None or event.tag not in _PLAIN_TAGS:
                raise Unsupported
            container: dict | list = {} if kind is E.MappingStartEvent else []
            if kind is E.MappingStartEvent:
                lines[id(container)] = event.start_mark.line + 1
            stack.append(container)
            keys.append(_NOTHING)
            continue
        elif kind is E.MappingEndEvent or kind is E.SequenceEndEvent:
            value = stack.pop()
            keys.pop()
        elif kind is E.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise Unsupported
            continue
        elif kind is E.StreamEndEvent:
            break
        elif kind is E.AliasEvent:
            raise Unsupported
        else:
            continue
        if not stack:
            root = value
        elif type(stack[-1]) is list:
            stack[-1].append(value)
        elif keys[-1] is _NOTHING:
            keys[-1] = value
        else:
            try:
                stack[-1][keys[-1]] = value
            except TypeError:  # a mapping or list used as a key
                raise Unsupported from None
            keys[-1] = _NOTHING
    return (None if root is _NOTHING else root), lines
