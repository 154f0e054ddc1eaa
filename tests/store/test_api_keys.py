"""API keys: insert, find by hash, list, touch, revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.store.api_keys import (
    find_active_key,
    insert_api_key,
    list_api_keys,
    revoke_api_key,
    touch_api_key,
)

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
HASH = "a3f1" * 16


def test_key_lifecycle(engine: Engine) -> None:
    with engine.begin() as conn:
        key_id = insert_api_key(
            conn,
            name="Dashboard",
            prefix="pdb_live_ab12",
            key_hash=HASH,
            scopes=["permits:read", "jurisdictions:read"],
            monthly_quota=50_000,
            is_demo=False,
            now=NOW,
        )
        demo_id = insert_api_key(
            conn,
            name="Demo",
            prefix="pdb_demo_0000",
            key_hash="0" * 64,
            scopes=("permits:read",),
            monthly_quota=None,
            is_demo=True,
            now=NOW,
        )
    with engine.begin() as conn:
        found = find_active_key(conn, HASH)
        assert found is not None
        assert (found.id, found.name, found.prefix, found.scopes) == (
            key_id,
            "Dashboard",
            "pdb_live_ab12",
            ["permits:read", "jurisdictions:read"],
        )
        assert (found.monthly_quota, found.is_demo, found.created_at) == (50_000, False, NOW)
        assert (found.last_used_at, found.revoked_at) == (None, None)
        assert find_active_key(conn, "f" * 64) is None
        touch_api_key(conn, key_id, now=NOW + timedelta(seconds=5))
    with engine.begin() as conn:
        assert revoke_api_key(conn, key_id, now=NOW + timedelta(days=1))
        assert not revoke_api_key(conn, key_id, now=NOW + timedelta(days=2))
        assert not revoke_api_key(conn, 999, now=NOW)
        assert find_active_key(conn, HASH) is None
        keys = list_api_keys(conn)
    assert [(k.id, k.is_demo, k.monthly_quota) for k in keys] == [
        (key_id, False, 50_000),
        (demo_id, True, None),
    ]
    assert keys[0].last_used_at == NOW + timedelta(seconds=5)
    assert keys[0].revoked_at == NOW + timedelta(days=1)


def test_a_key_hash_is_unique(engine: Engine) -> None:
    values = {
        "prefix": "pdb_live_ab12",
        "key_hash": HASH,
        "scopes": [],
        "monthly_quota": None,
        "is_demo": False,
        "now": NOW,
    }
    with engine.begin() as conn:
        insert_api_key(conn, name="one", **values)  # type: ignore[arg-type]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        insert_api_key(conn, name="two", **values)  # type: ignore[arg-type]
