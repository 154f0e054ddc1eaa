"""/openapi.json is the contract: conventions every operation follows, routes added later too.

Each test walks every operation of the document, so a new route is checked the day it is
added; the failure message says what to add to the route.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

Operation = tuple[str, dict[str, Any]]


def operations(app: FastAPI) -> Iterator[Operation]:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def test_every_operation_documents_its_success_body(app: FastAPI) -> None:
    """JSON bodies are objects with properties; other formats (CSV, Parquet) name a schema."""
    document = app.openapi()
    for label, operation in operations(app):
        success = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert success, f"{label}: document a 2xx response (response_model=...)"
        for status, response in success.items():
            content = response.get("content", {})
            assert content, f"{label} {status}: document the body's media type and schema"
            for media_type, body in content.items():
                schema = body.get("schema", {})
                assert schema, f"{label} {status} {media_type}: document the body's schema"
                if media_type != "application/json" and not media_type.endswith("+json"):
                    continue
                resolved = resolve(document, schema)
                advice = (
                    f"{label} {status}: the JSON body is documented as {schema}; declare "
                    "response_model= (a pydantic model in api/schemas) and return OrjsonResponse"
                )
                assert resolved.get("type") == "object", advice
                assert resolved.get("properties"), advice


def test_every_error_response_is_the_one_envelope(app: FastAPI) -> None:
    for label, operation in operations(app):
        errors = {s: r for s, r in operation["responses"].items() if not s.startswith("2")}
        assert {"422", "500"} <= set(errors), f"{label}: add responses=error_responses(...)"
        for status, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (
                f"{label} {status}: errors must use responses=error_responses(ErrorClass, ...)"
            )
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]


def test_every_model_forbids_extras_and_describes_every_field(app: FastAPI) -> None:
    for name, schema in app.openapi()["components"]["schemas"].items():
        if schema.get("type") != "object":
            continue
        assert schema.get("additionalProperties") is False, (
            f"{name}: subclass permitdb.api.schemas.base.Schema (extra='forbid'), so a field "
            "the model does not describe fails the contract tests instead of slipping out"
        )
        for field, definition in schema.get("properties", {}).items():
            assert definition.get("description"), f"{name}.{field}: add Field(description=...)"


def test_every_parameter_has_an_example_and_a_description(app: FastAPI) -> None:
    for label, operation in operations(app):
        for parameter in operation.get("parameters", []):
            name = f"{label} {parameter['in']}.{parameter['name']}"
            assert parameter.get("examples") or "example" in parameter, (
                f"{name}: add openapi_examples=example(value) (from permitdb.api.openapi) to "
                "its Query()/Path(); Swagger UI pre-fills it and schemathesis sends it"
            )
            assert parameter.get("description"), f"{name}: add description= to its Query()/Path()"


def test_every_response_documents_the_request_headers(app: FastAPI) -> None:
    for label, operation in operations(app):
        for status, response in operation["responses"].items():
            headers = set(response["headers"])
            assert {"X-Request-Id", "X-Response-Time-ms"} <= headers, (label, status)
            assert ("WWW-Authenticate" in headers) == (status == "401"), (label, status)


def test_operation_ids_are_the_route_names(app: FastAPI) -> None:
    ids = [operation["operationId"] for _, operation in operations(app)]
    assert len(ids) == len(set(ids)), "two routes share a function name; rename one"
    assert {"list_permits", "read_permit", "list_jurisdictions", "read_jurisdiction"} <= set(ids)


def test_links_name_real_operations_and_parameters(app: FastAPI) -> None:
    by_id = {operation["operationId"]: operation for _, operation in operations(app)}
    links = [
        link
        for _, operation in operations(app)
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) >= 2
    for link in links:
        target = by_id[link["operationId"]]
        names = {parameter["name"] for parameter in target.get("parameters", [])}
        assert set(link["parameters"]) <= names, link


@pytest.mark.parametrize(
    "query",
    [
        "updated_since=0.5",  # lax pydantic read this as a Unix timestamp
        "issued_from=0",
        "filed_to=20260301",
        "updated_since=2026-03-01",  # a date is not a date-time
        "min_valuation=ten",
        "city=Aus%00tin",  # PostgreSQL cannot compare a NUL: it was a 500 there
        "jurisdiction=austin-tx&jurisdiction=%00",
        "tags=solar&tags=",  # an empty value is a template never filled in
        "cursor=",
        "q=%20%20",
    ],
)
def test_values_the_document_excludes_are_refused(
    client: TestClient, auth: dict[str, str], check_error: Any, query: str
) -> None:
    check_error(client.get(f"/v1/permits?{query}", headers=auth), 422, "invalid_parameter")


def test_a_nul_in_a_path_is_refused_before_the_database(
    client: TestClient, auth: dict[str, str], check_error: Any
) -> None:
    error = check_error(client.get("/v1/permits/ab%00cd", headers=auth), 422, "invalid_parameter")
    assert error["details"] == [
        {"loc": ["path", "permit_id"], "msg": error["details"][0]["msg"], "type": "nul_character"}
    ]


@pytest.mark.parametrize(
    "query",
    [
        "updated_since=2026-03-01T00:00:00Z",
        "updated_since=2026-03-01 00:00",
        "issued_from=2026-01-01&issued_to=2026-12-31",
        "min_valuation=1e3&max_valuation=50000.5",
        "tags=solar,%20-roofing%20,",
    ],
)
def test_values_the_document_allows_are_accepted(
    client: TestClient, auth: dict[str, str], query: str
) -> None:
    response = client.get(f"/v1/permits?{query}", headers=auth)
    assert response.status_code == 200, response.text


_PRINT_DOCUMENT = """
import json
from permitdb.api.app import create_app
from permitdb.settings import Settings
from permitdb.store.engine import create_engine_for

app = create_app(create_engine_for("sqlite:///:memory:"), Settings(), catalog=[])
print(json.dumps(app.openapi(), sort_keys=True))
"""


def test_the_document_is_the_same_in_every_process() -> None:
    # a client generator or a cache comparing documents must not see a change that is none
    # (set and frozenset order changes with PYTHONHASHSEED from one process to the next)
    documents = {
        subprocess.run(
            [sys.executable, "-c", _PRINT_DOCUMENT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(documents) == 1
