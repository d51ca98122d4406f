"""Reading the files given on the command line: JSON or YAML, with the line of every mapping, and the
``# lint: ignore`` comments of YAML files. Anything unreadable becomes a :class:`InputError` (exit status 2)."""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import os
import re
from dataclasses import dataclass, field

import yaml

from .. import dashboard_schema, yamlload
from ..errors import GeneratorError
from . import fastyaml

MAX_BYTES = 50 * 1024 * 1024
# `# lint: ignore check/name reason`: a YAML comment suppressing a check for the rule it sits in or above.
IGNORE_COMMENT = re.compile(r"#\s*lint:\s*ignore\b\s*(\S*)\s*(.*)$")


class InputError(GeneratorError):
    """A file that cannot be linted at all: missing, unreadable, not JSON/YAML, neither dashboard nor rules."""


@dataclass
class Document:
    file: str
    data: object
    kind: str  # "dashboard", "rules", "ruletests" (skipped), "catalog"
    lines: dict[int, int] = field(default_factory=dict)  # id(mapping) -> line
    comments: list[tuple[int, str, str]] = field(default_factory=list)  # (line, check, reason)
    text_lines: list[str] = field(default_factory=list)
    # A dashboard resource (v1 or schema v2) is linted in its classic reading: `data` is that reading, and this
    # maps its JSON pointers back into the file (generator.dashboard_schema.Reading, pointers only).
    reading: dashboard_schema.Reading | None = None

    def line(self, obj) -> int | None:
        return self.lines.get(id(obj))

    # Pickled (from a forked reader, see generator/lint/forked.py), ``lines`` cannot stay keyed by ids: it travels
    # as (mapping, line) pairs, which pickle keeps pointing at the same objects as ``data``.
    def __getstate__(self) -> dict:
        pairs, stack = [], [self.data]
        while stack:
            obj = stack.pop()
            values = obj.values() if isinstance(obj, dict) else obj
            if isinstance(obj, dict) and id(obj) in self.lines:
                pairs.append((obj, self.lines[id(obj)]))
            stack.extend(v for v in values if isinstance(v, (dict, list)))
        return {**self.__dict__, "lines": pairs}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, lines={id(obj): line for obj, line in state["lines"]})


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def load_json(text: str) -> tuple[object, dict[int, int]]:
    """``json.loads`` that also records the line where each object starts."""
    starts = _line_starts(text)
    lines: dict[int, int] = {}
    decoder = json.JSONDecoder()
    original = json.decoder.JSONObject

    def parse_object(s_and_end, *args):
        start = s_and_end[1] - 1
        obj, end = original(s_and_end, *args)
        lines[id(obj)] = bisect.bisect_right(starts, start)
        return obj, end

    decoder.parse_object = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text), lines


_BaseLoader = yamlload.SafeLoader  # libyaml's parser when PyYAML has it


class _LineLoader(_BaseLoader):
    """A safe loader that remembers the line of every mapping it builds."""

    def __init__(self, stream):
        super().__init__(stream)
        self.mapping_lines: dict[int, int] = {}


# Mappings are built empty and filled later (so that recursive aliases work); record them as they are made.
def _construct_yaml_map(loader, node):
    data: dict = {}
    loader.mapping_lines[id(data)] = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_yaml_map)


def load_yaml(text: str) -> tuple[object, dict[int, int]]:
    try:
        return fastyaml.load(text)
    except fastyaml.Unsupported:
        pass
    loader = _LineLoader(text)
    try:
        return loader.get_single_data(), loader.mapping_lines
    finally:
        loader.dispose()


def _comments(text_lines: list[str]) -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate(text_lines, 1):
        if "lint:" in line:
            m = IGNORE_COMMENT.search(line)
            if m:
                found.append((number, m.group(1), m.group(2).strip()))
    return found


def classify(data: object) -> str | None:
    if isinstance(data, dict):
        if isinstance(data.get("dashboard"), dict) and ("meta" in data or len(data) <= 3):
            return "dashboard"
        if "groups" in data:
            return "rules"
        if "tests" in data and "rule_files" in data:  # promtool's unit-test files: promtool runs them
            return "ruletests"
        if any(k in data for k in ("panels", "rows", "templating", "schemaVersion")):
            return "dashboard"
    return None


LINTED_SUFFIXES = (".json", ".yml", ".yaml")


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given; a directory stands for the dashboard JSON and rule YAML files under it (sorted, hidden
    files and folders left out). A directory holding none stays as it is, and reads as one problem."""
    out = []
    for path in paths:
        if not os.path.isdir(path):
            out.append(path)
            continue
        found = []
        for base, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [os.path.join(base, f) for f in sorted(files)
                      if f.endswith(LINTED_SUFFIXES) and not f.startswith(".")]
        out += found or [path]
    return out


def read_document(path: str) -> Document:
    """Read and classify one input file; raise InputError with a one-line reason when it cannot be linted."""
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: a directory without dashboard JSON or rule YAML files (*.json, *.yml, *.yaml)")
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise InputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; not linted")
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}); expected dashboard JSON or rule YAML") from e
    if "\x00" in text:
        raise InputError(f"{path}: binary data (NUL bytes); expected dashboard JSON or rule YAML")
    data, lines, comments = _parse(path, text)
    reading = None
    if dashboard_schema.kind_of(data) in ("v1", "v2"):
        data, lines, reading = _classic_reading(data, lines)
    if not path.endswith(".json") and (data is None or data == {}):
        data = {"groups": []}  # an empty rule file: promtool loads it as "0 rules"
    kind = classify(data)
    if kind is None:
        raise InputError(f"{path}: neither a Grafana dashboard (expected `panels`, or an export with `dashboard`) "
                         "nor a Prometheus rule file (expected `groups:`)")
    if kind == "dashboard" and isinstance(data, dict) and isinstance(data.get("dashboard"), dict) \
            and "panels" not in data:
        data = data["dashboard"]
    return Document(path, data, kind, lines, comments, text.splitlines(), reading)


def _classic_reading(data: dict, lines: dict[int, int]):
    """A dashboard resource read as classic JSON: the reading, the line of each of its objects (that of the object
    of the file it came from), and the pointer map (without the objects)."""
    reading = dashboard_schema.read(data)
    lines = dict(lines)
    for classic, source in reading.origins:
        if id(source) in lines:
            lines[id(classic)] = lines[id(source)]
    return reading.classic, lines, dashboard_schema.Reading({}, [], reading.pointers, reading.prefix)


def _parse(path: str, text: str):
    looks_json = path.endswith(".json") or text.lstrip().startswith(("{", "["))
    try:
        if looks_json:
            try:
                data, lines = load_json(text)
                return data, lines, []
            except json.JSONDecodeError as e:
                if path.endswith(".json"):
                    raise InputError(f"{path}:{e.lineno}: not valid JSON: {e.msg}") from e
        data, lines = load_yaml(text)
        return data, lines, _comments(text.splitlines())
    except RecursionError as e:
        raise InputError(f"{path}: nested too deeply to read") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"{path}{where}: not valid YAML: {problem}") from e
    except (ValueError, TypeError) as e:  # e.g. an unhashable mapping key
        raise InputError(f"{path}: cannot read: {e}") from e
