"""docs/api.md documents every error code, route and query parameter the API has."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI

from permitdb.api.errors import ERROR_CLASSES, ApiError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def subclasses(cls: type[ApiError]) -> set[type[ApiError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= subclasses(sub)
    return found


def test_every_error_code_is_documented() -> None:
    text = DOCS.read_text()
    assert subclasses(ApiError) == set(ERROR_CLASSES)
    for cls in ERROR_CLASSES:
        assert re.search(rf"`{cls.code}`.*\b{cls.status_code}\b", text), cls.code


def test_every_route_and_query_parameter_is_documented(app: FastAPI) -> None:
    text = DOCS.read_text()
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            assert f"{method.upper()} {path}" in text, path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert f"`{parameter['name']}`" in text, (path, parameter["name"])


def test_every_header_is_documented() -> None:
    text = DOCS.read_text()
    for header in (
        "X-Request-Id",
        "X-Response-Time-ms",
        "X-API-Key",
        "Authorization",
        "WWW-Authenticate",
    ):
        assert header in text
