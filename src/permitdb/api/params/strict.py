"""Strict query strings: an unknown parameter is an error, never silently ignored.

A typo such as ``isued_from`` would otherwise return unfiltered results that look plausible.
The allowed names are read from each route's own signature (and its dependencies), so the
check can never drift from what the route accepts.

A NUL character in any query or path value is refused too: PostgreSQL cannot store or compare
one (the driver raises), and no stored value holds one on either engine. /openapi.json says so
with a pattern on every free-text parameter (``api.openapi``).
"""

from __future__ import annotations

import difflib

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request

from permitdb.api.errors import InvalidParameter, UnknownParameter


def _allowed(route: APIRoute) -> frozenset[str]:
    # A handful of fields per route: cheaper to walk than to cache (routes are unhashable).
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


def _reject_nul(where: str, items: list[tuple[str, str]]) -> None:
    for name, value in items:
        if "\x00" in value:
            message = "contains a NUL character (%00), which no value can match"
            raise InvalidParameter(
                f"Invalid value for {where}.{name}: {message}. Remove it and retry.",
                details=[{"loc": [where, name], "msg": message, "type": "nul_character"}],
            )


async def reject_unknown_parameters(request: Request) -> None:
    """Refuse an unknown query parameter; also a NUL in any query or path value."""
    # async: no thread-pool hop for work this small
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    _reject_nul("path", list(request.path_params.items()))
    allowed = _allowed(route)
    for name in request.query_params:
        if name in allowed:
            continue
        hint = difflib.get_close_matches(name, sorted(allowed), n=1)
        if hint:
            advice = f"Did you mean '{hint[0]}'?"
        elif allowed:
            advice = f"This endpoint takes: {', '.join(sorted(allowed))}."
        else:
            advice = "This endpoint takes no query parameters."
        raise UnknownParameter(
            f"Unknown query parameter '{name}'. {advice}",
            details=[{"loc": ["query", name], "msg": "unknown parameter", "type": "unknown"}],
        )
    _reject_nul("query", request.query_params.multi_items())
