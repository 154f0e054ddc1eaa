"""API test fixtures: an app over the ``engine`` fixture (SQLite and PostgreSQL), keys, data.

The catalog is three small jurisdictions (one never synced), so the
tests do not depend on which real jurisdictions the bundled catalog holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from permitdb.api.app import create_app
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings
from permitdb.store.api_keys import insert_api_key
from permitdb.store.datasets import register_datasets
from permitdb.store.ingest_state import finish_run, start_run
from permitdb.store.permits import upsert_permits

SECRET = "api-test-secret"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

JURISDICTIONS = {
    "testville-ny": ("Testville", "NY", "America/New_York"),
    "sampleton-tx": ("Sampleton", "TX", "America/Chicago"),
    "emptyburg-ca": ("Emptyburg", "CA", "America/Los_Angeles"),
}


def catalog_document(jurisdiction: str, dataset: str = "building-permits") -> dict[str, Any]:
    name, state, timezone = JURISDICTIONS[jurisdiction]
    return {
        "dataset": dataset,
        "name": f"{name} building permits",
        "jurisdiction": {"slug": jurisdiction, "name": name, "state": state, "timezone": timezone},
        "source": {"platform": "file", "url": f"/data/{jurisdiction}.csv", "format": "csv"},
        "primary_key": ["id"],
        "fields": {"permit_number": "PERMIT_NO"},
        "recording": {"path": f"file/{jurisdiction}/permits.csv"},
    }


CATALOG = [CatalogEntry.model_validate(catalog_document(slug)) for slug in JURISDICTIONS]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        secret_key=SecretStr(SECRET),
    )


@pytest.fixture
def app(engine: Engine, settings: Settings) -> FastAPI:
    return create_app(engine, settings, catalog=CATALOG)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


MakeKey = Callable[..., str]


@pytest.fixture
def make_key(engine: Engine) -> MakeKey:
    def make(scopes: Sequence[str] = ("permits:read",), name: str = "test") -> str:
        key = generate_api_key()
        with engine.begin() as conn:
            insert_api_key(
                conn,
                name=name,
                prefix=key_prefix(key),
                key_hash=hash_api_key(key, SECRET),
                scopes=list(scopes),
                monthly_quota=None,
                is_demo=False,
                now=NOW,
            )
        return key

    return make


@pytest.fixture
def auth(make_key: MakeKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key()}"}


Store = Callable[..., list[PermitRecord]]


@pytest.fixture
def store(engine: Engine, make_record: Callable[..., PermitRecord]) -> Store:
    """Store records built by ``make_record``; each dict is one record's overrides."""

    def save(*overrides: dict[str, Any], now: datetime = NOW) -> list[PermitRecord]:
        records = [
            make_record(**{"dataset": "testville-ny/building-permits", **o}) for o in overrides
        ]
        for record in records:
            record.jurisdiction = record.dataset.split("/")[0]
        with engine.begin() as conn:
            register_datasets(conn, CATALOG, now=now, source_url_for=lambda e: f"file://{e.slug}")
            upsert_permits(conn, records, now=now)
        return records

    return save


RecordRun = Callable[..., None]


@pytest.fixture
def record_run(engine: Engine) -> RecordRun:
    """``record_run(dataset, status, error=None, finished=, catalog=)``: one finished sync in
    the run log, started at ``NOW``, its datasets registered first."""

    def record(
        dataset: str,
        status: str,
        error: str | None = None,
        *,
        finished: datetime = NOW + timedelta(minutes=3),
        catalog: Sequence[CatalogEntry] = CATALOG,
    ) -> None:
        with engine.begin() as conn:
            register_datasets(conn, catalog, now=NOW, source_url_for=lambda e: f"file://{e.slug}")
            run_id = start_run(conn, dataset, mode="full", cursor_before=None, now=NOW)
            finish_run(
                conn,
                dataset,
                run_id=run_id,
                status=status,
                cursor_after=None,
                error=error,
                now=finished,
            )

    return record


def walk_pages(
    client: TestClient, auth: dict[str, str], query: str, cursor: str | None = None
) -> list[dict[str, Any]]:
    """Every permit of ``GET /v1/permits?{query}``, following ``next_cursor`` to the end (from
    ``cursor``, when given)."""
    seen: list[dict[str, Any]] = []
    while True:
        url = f"/v1/permits?{query}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=auth).json()
        seen.extend(body["data"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


Walk = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def walk() -> Walk:
    return walk_pages


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the one error envelope and return its ``error`` object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) <= {"code", "message", "request_id", "details"}
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"
    return error


@pytest.fixture
def check_error() -> Callable[..., dict[str, Any]]:
    return error_of
