"""API keys: both header styles, and every way a key can be wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from permitdb.api.key_cache import KEY_CACHE_SECONDS, KeyCache
from permitdb.api.keys import generate_api_key
from permitdb.store import tables
from permitdb.store.api_keys import list_api_keys, revoke_api_key

CheckError = Callable[..., dict[str, Any]]
MakeKey = Callable[..., str]


def test_bearer_and_x_api_key_both_work(client: TestClient, make_key: MakeKey) -> None:
    key = make_key()
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        response = client.get("/v1/permits", headers=headers)
        assert response.status_code == 200, response.text


def test_missing_key(client: TestClient, check_error: CheckError) -> None:
    error = check_error(client.get("/v1/permits"), 401, "missing_api_key")
    assert "permitdb keys create" in error["message"]


@pytest.mark.parametrize(
    "key",
    [
        "hello",
        "pdb_live_short_abcdef",
        "sk_live_0123456789abcdef0123456789abcdef_abcdef",
    ],
)
def test_malformed_key(client: TestClient, check_error: CheckError, key: str) -> None:
    error = check_error(
        client.get("/v1/permits", headers={"X-API-Key": key}), 401, "invalid_api_key"
    )
    assert "malformed" in error["message"]


def test_bad_checksum_is_refused_like_a_malformed_key(
    client: TestClient, check_error: CheckError
) -> None:
    key = generate_api_key()
    body, checksum = key.rsplit("_", 1)
    tampered = f"{body}_{checksum[::-1] if checksum[::-1] != checksum else 'zzzzzz'}"
    response = client.get("/v1/permits", headers={"Authorization": f"Bearer {tampered}"})
    assert "malformed" in check_error(response, 401, "invalid_api_key")["message"]


def test_unknown_well_formed_key(client: TestClient, check_error: CheckError) -> None:
    response = client.get("/v1/permits", headers={"X-API-Key": generate_api_key()})
    assert "malformed" not in check_error(response, 401, "invalid_api_key")["message"]


def test_revoked_key_stops_working_within_the_cache_bound(
    app: FastAPI,
    client: TestClient,
    engine: Engine,
    make_key: MakeKey,
    check_error: CheckError,
) -> None:
    seconds = [1000.0]
    keys: KeyCache = app.state.permitdb.keys
    keys.clock = lambda: seconds[0]
    key = make_key()
    assert client.get("/v1/permits", headers={"X-API-Key": key}).status_code == 200
    with engine.begin() as conn:
        (row,) = list_api_keys(conn)
        assert revoke_api_key(conn, row.id, now=datetime.now(UTC))
    # the verified key is trusted for at most KEY_CACHE_SECONDS (documented in docs/api.md) ...
    seconds[0] += KEY_CACHE_SECONDS - 0.5
    assert client.get("/v1/permits", headers={"X-API-Key": key}).status_code == 200
    # ... and refused once that bound has passed
    seconds[0] += 0.5
    check_error(client.get("/v1/permits", headers={"X-API-Key": key}), 401, "invalid_api_key")


def test_a_key_revoked_before_its_first_use_is_refused_at_once(
    client: TestClient, engine: Engine, make_key: MakeKey, check_error: CheckError
) -> None:
    key = make_key()
    with engine.begin() as conn:
        (row,) = list_api_keys(conn)
        assert revoke_api_key(conn, row.id, now=datetime.now(UTC))
    check_error(client.get("/v1/permits", headers={"X-API-Key": key}), 401, "invalid_api_key")


def test_key_without_the_scope(
    client: TestClient, make_key: MakeKey, check_error: CheckError
) -> None:
    key = make_key(scopes=["other:read"])
    error = check_error(
        client.get("/v1/permits", headers={"X-API-Key": key}), 403, "insufficient_scope"
    )
    assert "permits:read" in error["message"]


def test_last_used_is_recorded_at_most_once_a_minute(
    client: TestClient, engine: Engine, make_key: MakeKey
) -> None:
    key = make_key()
    client.get("/v1/permits", headers={"X-API-Key": key})
    with engine.connect() as conn:
        first = conn.execute(sa.select(tables.api_keys.c.last_used_at)).scalar_one()
    assert first is not None
    client.get("/v1/permits", headers={"X-API-Key": key})
    with engine.connect() as conn:
        assert conn.execute(sa.select(tables.api_keys.c.last_used_at)).scalar_one() == first


def test_the_key_is_stored_only_as_a_hash(engine: Engine, make_key: MakeKey) -> None:
    key = make_key()
    with engine.connect() as conn:
        row = conn.execute(sa.select(tables.api_keys)).one()
    assert key not in {str(v) for v in row}
    assert row.prefix == key[:13]
