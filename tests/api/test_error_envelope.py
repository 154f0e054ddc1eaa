"""Every error, from every source and every route, leaves in the same envelope."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.routing import Route

from permitdb.api.app import create_app
from permitdb.api.auth import SCOPES
from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings
from permitdb.store.engine import create_engine_for

CheckError = Callable[..., dict[str, Any]]
CATALOG: list[CatalogEntry] = []  # jurisdictions are not what these tests look at


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "no-such-thing", path)


def operations(app: FastAPI) -> list[tuple[str, str, bool]]:
    """(method, path, needs a key) of every API operation, from the OpenAPI document (included
    routers are only flattened there); an operation with a security requirement needs a key."""
    found = [
        (method.upper(), path, bool(operation.get("security")))
        for path, methods in sorted(app.openapi()["paths"].items())
        for method, operation in methods.items()
    ]
    assert {
        ("GET", "/v1/permits", True),
        ("GET", "/v1/health", False),
        ("GET", "/v1/cities", True),
        ("GET", "/v1/jurisdictions/{slug}/stats", True),
        ("GET", "/v1/meta/release", False),
    } <= set(found)
    return found


def api_paths(app: FastAPI) -> list[str]:
    return sorted({path for _, path, _ in operations(app)})


def test_unknown_parameters_on_every_route(
    app: FastAPI, client: TestClient, make_key: Callable[..., str], check_error: CheckError
) -> None:
    auth = {"Authorization": f"Bearer {make_key(SCOPES)}"}  # every route admits it
    for method, path, _ in operations(app):
        params = {"bogus": "1", "limitt": "2"}
        response = client.request(method, concrete(path), params=params, headers=auth)
        error = check_error(response, 422, "unknown_parameter")
        assert "'bogus'" in error["message"], path
        assert "'limitt'" in error["message"], path
        assert [d["loc"] for d in error["details"]] == [["query", "bogus"], ["query", "limitt"]]


def test_missing_key_on_every_protected_route(
    app: FastAPI, client: TestClient, check_error: CheckError
) -> None:
    for method, path, protected in operations(app):
        if protected:
            # the key is checked first: a keyless caller never sees our parameter list
            response = client.request(method, concrete(path), params={"bogus": "1"})
            check_error(response, 401, "missing_api_key")


def test_public_routes_need_no_key(app: FastAPI, client: TestClient) -> None:
    for method, path, protected in operations(app):
        if not protected and method == "GET" and "{" not in path:
            assert client.get(path).status_code == 200, path


def test_wrong_method_on_every_route(
    app: FastAPI, client: TestClient, check_error: CheckError
) -> None:
    docs = [r.path for r in app.routes if isinstance(r, Route)]
    assert {"/docs", "/openapi.json"} <= set(docs)
    methods: dict[str, set[str]] = {path: {"GET"} for path in docs}
    for method, path, _ in operations(app):
        methods.setdefault(path, set()).add(method)
    for path, allowed in methods.items():
        response = client.delete(concrete(path))
        error = check_error(response, 405, "method_not_allowed")
        assert allowed <= set(response.headers["allow"].split(", ")), path
        assert "DELETE" in error["message"]


def test_unknown_route(client: TestClient, check_error: CheckError) -> None:
    error = check_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert "/docs" in error["message"]


def test_resource_not_found(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    check_error(client.get("/v1/permits/no-such-id", headers=auth), 404, "permit_not_found")
    check_error(client.get("/v1/jurisdictions/atlantis-xx"), 404, "jurisdiction_not_found")


def test_validation_error_lists_each_bad_parameter(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    response = client.get("/v1/permits?limit=0&issued_from=yesterday", headers=auth)
    error = check_error(response, 422, "invalid_parameter")
    locs = sorted(tuple(d["loc"]) for d in error["details"])
    assert locs == [("query", "issued_from"), ("query", "limit")]
    assert all(set(d) == {"loc", "msg", "type"} for d in error["details"])


def test_bad_cursor(client: TestClient, auth: dict[str, str], check_error: CheckError) -> None:
    response = client.get("/v1/permits?cursor=not-a-cursor", headers=auth)
    check_error(response, 400, "invalid_cursor")


def test_crash_is_an_internal_error_without_details(
    engine: Engine, settings: Settings, check_error: CheckError
) -> None:
    app = create_app(engine, settings, catalog=CATALOG)

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/v1/boom", boom)
    with TestClient(app) as client:
        response = client.get("/v1/boom")
    error = check_error(response, 500, "internal_error")
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "request_id" in error["message"]


@pytest.fixture
def unreachable(engine: Engine, tmp_path: Path) -> Engine:
    """A database of the same kind that cannot be reached (nothing listens on port 1)."""
    if engine.dialect.name == "sqlite":
        (tmp_path / "is-a-directory").mkdir()
        return create_engine_for(f"sqlite:///{tmp_path / 'is-a-directory'}")
    return create_engine_for("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2")


def test_database_down(
    unreachable: Engine, settings: Settings, auth: dict[str, str], check_error: CheckError
) -> None:
    with TestClient(create_app(unreachable, settings, catalog=CATALOG)) as client:
        for path in ("/v1/health", "/v1/jurisdictions", "/v1/permits"):
            error = check_error(client.get(path, headers=auth), 503, "database_unavailable")
            assert "Retry" in error["message"]


def test_request_id_is_echoed_when_safe_and_generated_otherwise(client: TestClient) -> None:
    mine = "req-2026.03_01"
    assert client.get("/v1/health", headers={"X-Request-Id": mine}).headers["x-request-id"] == mine
    for unsafe in ("x" * 129, "has space", "semi;colon"):
        got = client.get("/v1/health", headers={"X-Request-Id": unsafe}).headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", got)
    response = client.get("/v1/nothing", headers={"X-Request-Id": mine})
    assert response.json()["error"]["request_id"] == mine
    assert float(response.headers["x-response-time-ms"]) >= 0


def test_openapi_documents_the_error_codes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    permits = spec["paths"]["/v1/permits"]["get"]["responses"]
    assert {"200", "400", "401", "403", "422", "500", "503"} <= set(permits)
    assert "invalid_cursor" in permits["400"]["description"]
    examples = permits["401"]["content"]["application/json"]["examples"]
    assert set(examples) == {"missing_api_key", "invalid_api_key", "api_key_expired"}
    forbidden = permits["403"]["content"]["application/json"]["examples"]
    assert {"api_key_disabled", "insufficient_scope"} <= set(forbidden)
