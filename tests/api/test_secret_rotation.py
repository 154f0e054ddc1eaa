"""Rotating PERMITDB_SECRET_KEY: keys and cursors made under the old secret keep working."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from tests.api.conftest import CATALOG, SECRET, Store

from permitdb.api.app import create_app
from permitdb.api.keys import hash_api_key
from permitdb.settings import Settings
from permitdb.store import tables

NEW_SECRET = "api-test-secret-after-rotation"
MakeKey = Callable[..., str]
CheckError = Callable[..., dict[str, Any]]


@contextmanager
def serving(
    engine: Engine, tmp_path: Path, secret: str, previous: tuple[str, ...] = ()
) -> Iterator[TestClient]:
    """The API as a server configured with ``secret`` (and ``previous``) would answer."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        secret_key=SecretStr(secret),
        previous_secret_keys=[SecretStr(one) for one in previous],
    )
    with TestClient(create_app(engine, settings, catalog=CATALOG)) as client:
        yield client


def stored_hash(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.select(tables.api_keys.c.key_hash)).scalar_one())


def test_a_key_made_before_the_rotation_works_and_is_rehashed(
    engine: Engine, tmp_path: Path, make_key: MakeKey, check_error: CheckError
) -> None:
    key = make_key()  # hashed under SECRET
    auth = {"Authorization": f"Bearer {key}"}
    with serving(engine, tmp_path, NEW_SECRET) as client:
        check_error(client.get("/v1/permits", headers=auth), 401, "invalid_api_key")

    with serving(engine, tmp_path, NEW_SECRET, previous=(SECRET,)) as client:
        assert client.get("/v1/permits", headers=auth).status_code == 200
    assert stored_hash(engine) == hash_api_key(key, NEW_SECRET)

    # Re-hashed: the old secret can now be dropped from the settings.
    with serving(engine, tmp_path, NEW_SECRET) as client:
        assert client.get("/v1/permits", headers=auth).status_code == 200


def test_a_cursor_signed_before_the_rotation_still_pages(
    engine: Engine, tmp_path: Path, make_key: MakeKey, store: Store, check_error: CheckError
) -> None:
    store(*({"source_record_id": f"r{n}", "permit_number": f"P-{n}"} for n in range(4)))
    auth = {"Authorization": f"Bearer {make_key()}"}
    with serving(engine, tmp_path, SECRET) as client:
        first = client.get("/v1/permits?limit=2", headers=auth).json()
    cursor = first["next_cursor"]
    assert cursor is not None

    with serving(engine, tmp_path, NEW_SECRET, previous=(SECRET,)) as client:
        rest = client.get(f"/v1/permits?limit=2&cursor={cursor}", headers=auth)
        assert rest.status_code == 200, rest.text
        seen = {p["id"] for p in first["data"]} | {p["id"] for p in rest.json()["data"]}
        assert len(seen) == 4
        # New cursors are signed with the new secret, which verifies without the old one.
        next_cursor = client.get("/v1/permits?limit=1", headers=auth).json()["next_cursor"]

    with serving(engine, tmp_path, NEW_SECRET) as client:
        response = client.get(f"/v1/permits?limit=2&cursor={cursor}", headers=auth)
        check_error(response, 400, "invalid_cursor")
        assert client.get(f"/v1/permits?limit=1&cursor={next_cursor}", headers=auth).is_success
