"""A key's life after creation: expiry, disable/enable and rotation with a grace period, each
seen by the API within the key cache's bound."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.api.conftest import SECRET

from permitdb.api.key_cache import KEY_CACHE_SECONDS, KeyCache
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.store.api_keys import (
    list_api_keys,
    rotate_api_key,
    set_key_disabled,
    update_api_key,
)

CheckError = Callable[..., dict[str, Any]]
MakeKey = Callable[..., str]


def _key_id(engine: Engine) -> int:
    with engine.connect() as conn:
        (row,) = list_api_keys(conn)
    return row.id


def _frozen_cache(app: FastAPI) -> list[float]:
    seconds = [1000.0]
    keys: KeyCache = app.state.permitdb.keys
    keys.clock = lambda: seconds[0]
    return seconds


def _status(client: TestClient, key: str) -> int:
    return client.get("/v1/permits", headers={"X-API-Key": key}).status_code


def test_a_disabled_key_is_refused_until_enabled_again(
    app: FastAPI, client: TestClient, engine: Engine, make_key: MakeKey, check_error: CheckError
) -> None:
    seconds = _frozen_cache(app)
    key = make_key()
    assert _status(client, key) == 200
    with engine.begin() as conn:
        assert set_key_disabled(conn, _key_id(engine), disabled_at=datetime.now(UTC))
    seconds[0] += KEY_CACHE_SECONDS
    error = check_error(
        client.get("/v1/permits", headers={"X-API-Key": key}), 403, "api_key_disabled"
    )
    assert "keys enable" in error["message"]
    with engine.begin() as conn:
        assert set_key_disabled(conn, _key_id(engine), disabled_at=None)
    assert _status(client, key) == 403  # the disabled row is remembered ...
    seconds[0] += KEY_CACHE_SECONDS
    assert _status(client, key) == 200  # ... for the cache's bound only


def test_an_expired_key_says_when_it_expired(
    app: FastAPI, client: TestClient, engine: Engine, make_key: MakeKey, check_error: CheckError
) -> None:
    seconds = _frozen_cache(app)
    key = make_key()
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    with engine.begin() as conn:
        assert update_api_key(conn, _key_id(engine), expires_at=ended)
    response = client.get("/v1/permits", headers={"X-API-Key": key})
    error = check_error(response, 401, "api_key_expired")
    assert f"{ended:%Y-%m-%d %H:%M}" in error["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    with engine.begin() as conn:
        assert update_api_key(conn, _key_id(engine), clear_expiry=True)
    seconds[0] += KEY_CACHE_SECONDS
    assert _status(client, key) == 200


def test_a_key_that_expires_later_works(
    client: TestClient, engine: Engine, make_key: MakeKey
) -> None:
    key = make_key()
    with engine.begin() as conn:
        assert update_api_key(
            conn, _key_id(engine), expires_at=datetime.now(UTC) + timedelta(days=1)
        )
    assert _status(client, key) == 200


def _rotate(engine: Engine, valid_for: timedelta) -> str:
    new = generate_api_key()
    with engine.begin() as conn:
        assert rotate_api_key(
            conn,
            _key_id(engine),
            prefix=key_prefix(new),
            key_hash=hash_api_key(new, SECRET),
            previous_valid_until=datetime.now(UTC) + valid_for,
        )
    return new


def test_rotation_keeps_the_old_secret_for_its_grace_period(
    app: FastAPI, client: TestClient, engine: Engine, make_key: MakeKey, check_error: CheckError
) -> None:
    seconds = _frozen_cache(app)
    old = make_key(scopes=("permits:read", "places:read"))
    new = _rotate(engine, timedelta(hours=1))
    assert _status(client, new) == 200
    assert _status(client, old) == 200
    with engine.connect() as conn:
        (row,) = list_api_keys(conn)
    assert row.prefix == new[:13]
    assert row.scopes == ["permits:read", "places:read"]

    newer = _rotate(engine, timedelta(seconds=-1))  # rotated again, with no grace
    seconds[0] += KEY_CACHE_SECONDS
    assert _status(client, newer) == 200
    error = check_error(
        client.get("/v1/permits", headers={"X-API-Key": new}), 401, "invalid_api_key"
    )
    assert "rotate" in error["message"]
    # a secret from before the last rotation is no longer stored at all
    check_error(client.get("/v1/permits", headers={"X-API-Key": old}), 401, "invalid_api_key")
