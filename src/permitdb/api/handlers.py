"""Exception handlers: turn every error source into the one envelope of ``api.errors``.

Crashes are caught one level further out, by ``api.middleware.RequestContext``, so even they
carry the request id and the envelope.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from permitdb.api.errors import (
    ApiError,
    InternalError,
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
    error_response,
)
from permitdb.api.middleware import request_id_of

log = logging.getLogger("permitdb.api")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc, request_id_of(request.scope))


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """FastAPI's validation errors reduced to ``{loc, msg, type}``, never echoing the input."""
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors]


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc.errors())
    first = details[0] if details else {"loc": ["query"], "msg": "invalid value"}
    where = ".".join(str(part) for part in first["loc"])
    message = f"Invalid value for {where}: {first['msg']}. Fix it and retry (see details)."
    return error_response(InvalidParameter(message, details=details), request_id_of(request.scope))


def _allowed_methods(app: FastAPI, path: str, starlette_allow: str) -> str:
    """Every method the API takes at ``path``. Starlette's own ``Allow`` names only the first
    route whose path matched, so a path with a GET and a POST route would hide one of them.

    The most specific templates win: ``/v1/permits/status`` is that route's path, not a permit
    id, so ``GET /v1/permits/{permit_id}`` does not make GET an allowed method there."""
    matched: dict[int, set[str]] = {}
    for template, operations in app.openapi()["paths"].items():
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        if re.fullmatch(pattern, path):
            methods = matched.setdefault(template.count("{"), set())
            methods |= {method.upper() for method in operations}
    if not matched:
        return ", ".join(sorted(m.strip() for m in starlette_allow.split(",") if m.strip()))
    return ", ".join(sorted(matched[min(matched)]))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    request_id = request_id_of(request.scope)
    path = request.url.path
    # behind a proxy's prefix (serve --root-path) the path holds it, the route templates do not
    root_path: str = request.scope.get("root_path", "")
    if exc.status_code == 404:
        message = f"No endpoint at {path}. See {root_path}/docs for the list of endpoints."
        if len(path) > 1 and path.endswith("/"):
            message = f"No endpoint at {path}: drop the trailing slash ({path.rstrip('/')})."
        return error_response(NotFound(message), request_id)
    if exc.status_code == 405:
        allowed = _allowed_methods(
            request.app, path.removeprefix(root_path), (exc.headers or {}).get("Allow", "")
        )
        message = f"{request.method} is not allowed on {path}; use {allowed or 'GET'}."
        headers = {**(exc.headers or {}), "Allow": allowed}
        return error_response(MethodNotAllowed(message), request_id, headers=headers)
    if exc.status_code == 400:
        # FastAPI's own refusal of a body it cannot read at all (not UTF-8, not JSON)
        message = f"The request body cannot be read ({exc.detail}). Send JSON encoded as UTF-8."
        details = [{"loc": ["body"], "msg": str(exc.detail), "type": "json_invalid"}]
        return error_response(InvalidParameter(message, details=details), request_id)
    log.warning("unexpected HTTPException %d on %s", exc.status_code, path)
    return error_response(InternalError(), request_id)


async def _database_error(request: Request, exc: Exception) -> Response:
    log.error("database error on %s: %s", request.url.path, type(exc).__name__)
    return error_response(ServiceUnavailable(), request_id_of(request.scope))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(InterfaceError, _database_error)
