"""API keys: insert, find by hash, list, touch, revoke, and a key's life after creation:
expiry, disabling, updates and rotation with a grace period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.store.api_keys import (
    find_key,
    insert_api_key,
    list_api_keys,
    revoke_api_key,
    rotate_api_key,
    set_key_disabled,
    touch_api_key,
    update_api_key,
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
        found = find_key(conn, HASH)
        assert found is not None
        assert (found.id, found.name, found.prefix, found.scopes) == (
            key_id,
            "Dashboard",
            "pdb_live_ab12",
            ["permits:read", "jurisdictions:read"],
        )
        assert (found.monthly_quota, found.is_demo, found.created_at) == (50_000, False, NOW)
        assert (found.last_used_at, found.revoked_at) == (None, None)
        assert find_key(conn, "f" * 64) is None
        touch_api_key(conn, key_id, now=NOW + timedelta(seconds=5))
    with engine.begin() as conn:
        assert revoke_api_key(conn, key_id, now=NOW + timedelta(days=1))
        assert not revoke_api_key(conn, key_id, now=NOW + timedelta(days=2))
        assert not revoke_api_key(conn, 999, now=NOW)
        assert find_key(conn, HASH) is None
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


def _insert(engine: Engine) -> int:
    with engine.begin() as conn:
        return insert_api_key(
            conn,
            name="Roofer",
            prefix="pdb_live_ab12",
            key_hash=HASH,
            scopes=["permits:read"],
            monthly_quota=None,
            is_demo=False,
            now=NOW,
            expires_at=NOW + timedelta(days=30),
        )


def test_expiry_disabling_and_updates(engine: Engine) -> None:
    key_id = _insert(engine)
    with engine.begin() as conn:
        row = find_key(conn, HASH)
        assert row is not None
        assert row.expires_at == NOW + timedelta(days=30)
        assert row.refusal(HASH, NOW) is None
        assert row.refusal(HASH, NOW + timedelta(days=30)) == "expired"
        assert set_key_disabled(conn, key_id, disabled_at=NOW)
        disabled = find_key(conn, HASH)  # found, so the API can say why it is refused
        assert disabled is not None
        assert disabled.refusal(HASH, NOW) == "disabled"
        assert disabled.status == "disabled"
        assert set_key_disabled(conn, key_id, disabled_at=None)
        assert update_api_key(conn, key_id, name="Roofer Co", monthly_quota=10, clear_expiry=True)
        assert not update_api_key(conn, key_id)  # nothing to change
        assert not update_api_key(conn, 999, name="nobody")
        (row,) = list_api_keys(conn)
    assert (row.name, row.monthly_quota, row.expires_at, row.disabled_at) == (
        "Roofer Co",
        10,
        None,
        None,
    )
    assert row.scopes == ["permits:read"]  # what was not given is kept
    assert row.status == "active"
    with engine.begin() as conn:
        assert update_api_key(conn, key_id, clear_quota=True)
        assert revoke_api_key(conn, key_id, now=NOW)
        assert not set_key_disabled(conn, key_id, disabled_at=NOW)  # revoked is for good
        assert not update_api_key(conn, key_id, name="again")
        (row,) = list_api_keys(conn)
    assert (row.monthly_quota, row.status) == (None, "revoked")


def test_rotation_keeps_the_id_and_the_old_hash_for_the_grace_period(engine: Engine) -> None:
    key_id = _insert(engine)
    new_hash, newer_hash = "b" * 64, "c" * 64
    with engine.begin() as conn:
        until = NOW + timedelta(hours=24)
        assert rotate_api_key(
            conn, key_id, prefix="pdb_live_cd34", key_hash=new_hash, previous_valid_until=until
        )
        by_old, by_new = find_key(conn, HASH), find_key(conn, new_hash)
        assert by_old is not None
        assert by_new is not None
        assert by_old.id == by_new.id == key_id
        assert (by_new.prefix, by_new.key_hash, by_new.previous_key_hash) == (
            "pdb_live_cd34",
            new_hash,
            HASH,
        )
        assert by_new.refusal(new_hash, NOW) is None
        assert by_old.refusal(HASH, NOW) is None
        assert by_old.refusal(HASH, until) == "rotated"
        assert by_new.refusal(new_hash, until) is None  # the new secret has no end
        # rotating again drops the oldest secret at once
        assert rotate_api_key(
            conn, key_id, prefix="pdb_live_ef56", key_hash=newer_hash, previous_valid_until=until
        )
        assert find_key(conn, HASH) is None
        assert not rotate_api_key(
            conn, 999, prefix="x", key_hash="d" * 64, previous_valid_until=until
        )
