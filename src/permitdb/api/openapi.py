"""The OpenAPI document: what FastAPI generates from the routes, plus what every route shares.

FastAPI documents each route's models, parameters and error responses. The response headers
come from ``RequestContext`` and the auth dependencies, not from the routes, so they are added
here to every response of every operation, routes added later included: a client (or
schemathesis) can rely on ``X-Request-Id`` being there because the document says so. Likewise
every free-text parameter gets the pattern that says what ``params.strict`` refuses (a NUL or
another control character).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.models import Example
from fastapi.routing import APIRoute

from permitdb.api.errors import ApiError, BodyTooLarge, ErrorEnvelope, error_responses
from permitdb.api.params.strict import CONTROL_CHARACTERS

# Same rule as middleware._SAFE_ID: a caller's id is echoed only when it matches.
_HEADERS: Final[dict[str, dict[str, Any]]] = {
    "X-Request-Id": {
        "description": "Your X-Request-Id echoed when it is 1-128 characters of A-Z a-z 0-9 . _ -"
        "; otherwise a generated 32-hex id. Errors repeat it as request_id.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,128}$"},
    },
    "X-Response-Time-ms": {
        "description": "Server time until the response started, in milliseconds",
        "required": True,
        "schema": {"type": "string", "pattern": r"^\d+\.\d$", "examples": ["1.4"]},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use: send the key as a Bearer token",
        "required": True,
        "schema": {"type": "string", "const": "Bearer"},
    },
}
_EVERY_RESPONSE: Final = ("X-Request-Id", "X-Response-Time-ms")
# Free text holds no control character and is not blank: params.strict refuses both.
_TEXT_CHARACTER: Final = f"[^{CONTROL_CHARACTERS}]"
FREE_TEXT_PATTERN: Final = f"^{_TEXT_CHARACTER}*[^\\s{CONTROL_CHARACTERS}]{_TEXT_CHARACTER}*$"
# A string schema with one of these already excludes a NUL, or is not free text.
_CONSTRAINED: Final = ("pattern", "enum", "const", "format")


def example(value: Any, summary: str | None = None) -> dict[str, Example]:
    """``openapi_examples=`` for a parameter: Swagger UI pre-fills it, schemathesis sends it."""
    shown = ", ".join(map(str, value)) if isinstance(value, list) else value
    return {"example": Example(value=value, summary=summary or f"e.g. {shown}")}


def link_to(operation: str, description: str, **parameters: str) -> dict[int | str, Any]:
    """``responses=`` entry linking the 200 response to ``operation`` (an operationId).

    Parameters are runtime expressions, e.g. ``permit_id="$response.body#/data/0/id"``;
    generated clients and schemathesis' stateful phase follow them.
    """
    return {
        200: {
            "links": {
                operation: {
                    "operationId": operation,
                    "parameters": parameters,
                    "description": description,
                }
            }
        }
    }


def operation_id(route: APIRoute) -> str:
    """The route function's name (``list_permits``): readable names in generated clients.

    FastAPI warns on a duplicate id, and the test suite turns warnings into errors.
    """
    return route.name


def _forbid_nul(schema: dict[str, Any]) -> None:
    for option in schema.get("anyOf", []):
        _forbid_nul(option)
    if isinstance(schema.get("items"), dict):
        _forbid_nul(schema["items"])
    if schema.get("type") == "string":
        schema.setdefault("minLength", 1)  # an empty value is refused (params.strict)
        if not any(key in schema for key in _CONSTRAINED):
            schema["pattern"] = FREE_TEXT_PATTERN


def _documented(error: type[ApiError]) -> dict[str, Any]:
    """The document's entry for ``error``, as FastAPI renders a route's ``responses=``."""
    entry = error_responses(error)[error.status_code]
    envelope = {"$ref": f"#/components/schemas/{ErrorEnvelope.__name__}"}
    examples = entry["content"]["application/json"]
    return {
        "description": entry["description"],
        "content": {"application/json": {"schema": envelope, **examples}},
    }


def _completed(document: dict[str, Any]) -> dict[str, Any]:
    document.setdefault("components", {})["headers"] = _HEADERS
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                _forbid_nul(schema)
                # a query model's fields (params.permits) carry their examples in the schema
                if "examples" not in parameter and schema.get("examples"):
                    value = schema["examples"][0]
                    shown = ", ".join(map(str, value)) if isinstance(value, list) else value
                    parameter["examples"] = {
                        "example": {"value": value, "summary": f"e.g. {shown}"}
                    }
            if "requestBody" in operation:  # api.limits refuses an oversized body
                operation["responses"]["413"] = _documented(BodyTooLarge)
            for status, response in operation.get("responses", {}).items():
                names = [*_EVERY_RESPONSE, *(["WWW-Authenticate"] if status == "401" else [])]
                response.setdefault("headers", {}).update(
                    {name: {"$ref": f"#/components/headers/{name}"} for name in names}
                )
    return document


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so /openapi.json and /docs) serve the completed document."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _completed(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
