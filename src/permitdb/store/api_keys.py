"""API keys as stored: a hash, never the key (the API layer hashes what clients send)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store.tables import api_keys


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    id: int
    name: str
    prefix: str  # shown in listings, e.g. "pdb_live_ab12"
    key_hash: str
    scopes: list[str]
    monthly_quota: int | None  # None: unlimited
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_demo: bool


def insert_api_key(
    conn: Connection,
    *,
    name: str,
    prefix: str,
    key_hash: str,
    scopes: Sequence[str],
    monthly_quota: int | None,
    is_demo: bool,
    now: datetime,
) -> int:
    key_id: int = conn.execute(
        sa.insert(api_keys).returning(api_keys.c.id),
        {
            "name": name,
            "prefix": prefix,
            "key_hash": key_hash,
            "scopes": list(scopes),
            "monthly_quota": monthly_quota,
            "is_demo": is_demo,
            "created_at": now,
        },
    ).scalar_one()
    return key_id


def find_active_key(conn: Connection, key_hash: str) -> ApiKeyRow | None:
    """The key with this hash unless it was revoked."""
    row = conn.execute(
        sa.select(api_keys).where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
    ).first()
    return None if row is None else ApiKeyRow(**row._mapping)


def rehash_api_key(conn: Connection, key_id: int, *, old_hash: str, new_hash: str) -> None:
    """Store the key's hash under the current secret in place of one under a previous secret."""
    conn.execute(
        sa.update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.key_hash == old_hash)
        .values(key_hash=new_hash)
    )


def list_api_keys(conn: Connection) -> list[ApiKeyRow]:
    """Every key, revoked ones included, oldest first."""
    rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.id))
    return [ApiKeyRow(**row._mapping) for row in rows]


def revoke_api_key(conn: Connection, key_id: int, *, now: datetime) -> bool:
    """True if the key was active and is now revoked; False if unknown or already revoked."""
    result = conn.execute(
        sa.update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def touch_api_key(conn: Connection, key_id: int, *, now: datetime) -> None:
    conn.execute(sa.update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))
