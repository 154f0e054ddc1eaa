"""Strict query strings: a parameter we would ignore or misread is an error, never a guess.

A typo such as ``isued_from`` would otherwise return unfiltered results that look plausible;
``state=NY&state=CA`` would silently keep one of the two, and ``q=`` (a template never filled
in) would match everything. The allowed names are read from each route's own signature (and
its dependencies, query models included), so the check can never drift from what the route
accepts.

A NUL or other control character in any query or path value is refused too: PostgreSQL cannot
store or compare a NUL (the driver raises), and no stored value holds a control character on
either engine (tab and line breaks excepted: they are spacing pasted with a search). The
pattern on every free-text parameter in /openapi.json says so (``api.openapi``).

On routes that need a key, the check runs inside the key dependency, after the key is
accepted: a caller without a valid key learns that first, not our parameter list.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, get_args, get_origin

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.requests import Request

from permitdb.api.errors import InvalidParameter, UnknownParameter

# set on the key dependency (api.auth) so the global check knows to leave the route to it
REQUIRES_KEY = "permitdb_requires_key"
# C0 and C1 controls and DEL, but tab, LF and CR; api.openapi documents the same set.
CONTROL_CHARACTERS: Final = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
_CONTROL: Final = re.compile(f"[{CONTROL_CHARACTERS}]")


@dataclass(frozen=True, slots=True)
class QueryShape:
    names: frozenset[str]
    repeatable: frozenset[str]
    requires_key: bool


def _is_sequence(annotation: Any) -> bool:
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_is_sequence(arg) for arg in get_args(annotation) if arg is not type(None))


def _fields(dependant: Dependant) -> Iterator[tuple[str, Any]]:
    for field in dependant.query_params:
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for name, info in annotation.model_fields.items():
                yield info.alias or name, info.annotation
        else:
            yield field.alias, annotation


def query_shape(route: APIRoute) -> QueryShape:
    # A handful of fields per route: cheaper to walk than to cache (routes are unhashable).
    names: set[str] = set()
    repeatable: set[str] = set()
    requires_key = False
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        requires_key = requires_key or getattr(dependant.call, REQUIRES_KEY, False)
        for name, annotation in _fields(dependant):
            names.add(name)
            if _is_sequence(annotation):
                repeatable.add(name)
        pending.extend(dependant.dependencies)
    return QueryShape(frozenset(names), frozenset(repeatable), requires_key)


def _advice(name: str, allowed: frozenset[str]) -> str:
    hint = difflib.get_close_matches(name, sorted(allowed), n=1)
    if hint:
        return f"did you mean '{hint[0]}'?"
    return "not a parameter of this endpoint"


def _reject_control_characters(where: str, items: list[tuple[str, str]]) -> None:
    for name, value in items:
        found = _CONTROL.search(value)
        if found is None:
            continue
        character = found.group()
        if character == "\x00":
            message, kind = "contains a NUL character (%00), which no value can match", "nul"
        else:
            message = f"contains the control character U+{ord(character):04X}, which no value holds"
            kind = "control"
        raise InvalidParameter(
            f"Invalid value for {where}.{name}: {message}. Remove it and retry.",
            details=[{"loc": [where, name], "msg": message, "type": f"{kind}_character"}],
        )


def check_query(request: Request) -> None:
    """Raise for unknown, repeated single-valued or empty parameters (all reported at once),
    and for a NUL or other control character in a path or query value."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    _reject_control_characters("path", list(request.path_params.items()))
    if not request.query_params:
        return
    shape = query_shape(route)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in shape.names]
    if unknown:
        listed = ", ".join(f"'{name}' ({_advice(name, shape.names)})" for name in unknown)
        takes = ", ".join(sorted(shape.names)) or "no query parameters"
        raise UnknownParameter(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''} {listed}. "
            f"This endpoint takes: {takes}.",
            details=[
                {"loc": ["query", name], "msg": _advice(name, shape.names), "type": "unknown"}
                for name in unknown
            ],
        )
    _reject_control_characters("query", request.query_params.multi_items())
    problems: list[dict[str, Any]] = []
    for name in dict.fromkeys(request.query_params):
        values = request.query_params.getlist(name)
        if len(values) > 1 and name not in shape.repeatable:
            message = f"given {len(values)} times; it takes one value"
            problems.append({"loc": ["query", name], "msg": message, "type": "repeated"})
        elif any(not value.strip() for value in values):
            message = "is empty: give a value or leave the parameter out"
            problems.append({"loc": ["query", name], "msg": message, "type": "empty"})
    if problems:
        first = problems[0]
        raise InvalidParameter(
            f"Invalid value for query.{first['loc'][1]}: {first['msg']} (see details).",
            details=problems,
        )


async def reject_unknown_parameters(request: Request) -> None:
    # async: no thread-pool hop for work this small
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and not query_shape(route).requires_key:
        check_query(request)
