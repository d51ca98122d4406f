"""Reading the build's source map: each collected object finds its Python declaration and suppressions by the
JSON pointer of its place (:class:`generator.problems.Place`), nothing else."""

from __future__ import annotations

import dataclasses


def apply_source_map(scopes, sources) -> None:
    """For every scope whose pointer the source map knows: the declaration becomes ``place.source`` and the
    declared suppressions join the scope's own."""
    if not sources:
        return
    for scope in scopes:
        declaration = sources.get(scope.place.pointer)
        if declaration is None:
            continue
        if declaration.location is not None:
            scope.place = dataclasses.replace(scope.place, source=declaration.location)
        scope.suppress.update(dict(declaration.suppress))


def place_in(scopes, reading) -> None:
    """Point every scope at its place in the file a dashboard was read from (a v1 or schema v2 resource, whose
    classic reading was linted): ``reading`` is its :class:`generator.dashboard_schema.Reading`."""
    if reading is None:
        return
    for scope in scopes:
        scope.place = dataclasses.replace(scope.place, pointer=reading.pointer(scope.place.pointer))


def dashboard_scopes(dash) -> list:
    return ([dash.scope] + [p.scope for p in dash.panels] + [q.scope for q in dash.queries]
            + [q.scope for p in dash.panels for q in p.queries])


def rule_scopes(rules) -> list:
    return [r.scope for r in rules]
