"""API keys as stored: a hash, never the key (the API layer hashes what clients send).

A key is refused once revoked (for good), while disabled (until enabled again) or after its
expiry. Rotating a key gives it a new secret and keeps the old one's hash valid for a grace
period, under the same id, so a client can switch over without a failed request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store.tables import api_keys

# Why a key that was found is refused (None: it is not)
Refusal = Literal["disabled", "expired", "rotated"]


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
    expires_at: datetime | None = None
    disabled_at: datetime | None = None
    previous_key_hash: str | None = None
    previous_key_expires_at: datetime | None = None

    def refusal(self, presented_hash: str, now: datetime) -> Refusal | None:
        """Why the key whose hash is ``presented_hash`` may not be used at ``now``, if so."""
        if self.disabled_at is not None:
            return "disabled"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        if presented_hash != self.key_hash:  # the secret this key had before a rotation
            grace = self.previous_key_expires_at
            if presented_hash != self.previous_key_hash or grace is None or grace <= now:
                return "rotated"
        return None

    @property
    def status(self) -> str:
        """For listings: revoked, disabled or active (expiry is shown beside it)."""
        if self.revoked_at is not None:
            return "revoked"
        return "disabled" if self.disabled_at is not None else "active"


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
    expires_at: datetime | None = None,
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
            "expires_at": expires_at,
        },
    ).scalar_one()
    return key_id


def find_key(conn: Connection, key_hash: str) -> ApiKeyRow | None:
    """The unrevoked key whose secret, or whose secret before its last rotation, has this
    hash; :meth:`ApiKeyRow.refusal` says whether it may be used."""
    c = api_keys.c
    row = conn.execute(
        sa.select(api_keys).where(
            sa.or_(c.key_hash == key_hash, c.previous_key_hash == key_hash),
            c.revoked_at.is_(None),
        )
    ).first()
    return None if row is None else ApiKeyRow(**row._mapping)


def rehash_api_key(conn: Connection, key_id: int, *, old_hash: str, new_hash: str) -> None:
    """Store the key's hash under the current secret in place of one under a previous secret
    (its current secret's or, during a rotation's grace, its previous secret's)."""
    c = api_keys.c
    for column in (c.key_hash, c.previous_key_hash):
        conn.execute(
            sa.update(api_keys)
            .where(c.id == key_id, column == old_hash)
            .values({column.name: new_hash})
        )


def list_api_keys(conn: Connection) -> list[ApiKeyRow]:
    """Every key, revoked ones included, oldest first."""
    rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.id))
    return [ApiKeyRow(**row._mapping) for row in rows]


def _update_unrevoked(conn: Connection, key_id: int, values: dict[str, Any]) -> bool:
    result = conn.execute(
        sa.update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(values)
    )
    return result.rowcount == 1


def revoke_api_key(conn: Connection, key_id: int, *, now: datetime) -> bool:
    """True if the key was active and is now revoked; False if unknown or already revoked."""
    return _update_unrevoked(conn, key_id, {"revoked_at": now})


def update_api_key(
    conn: Connection,
    key_id: int,
    *,
    name: str | None = None,
    scopes: Sequence[str] | None = None,
    monthly_quota: int | None = None,
    expires_at: datetime | None = None,
    clear_quota: bool = False,
    clear_expiry: bool = False,
) -> bool:
    """Change what is given (a None leaves it; ``clear_*`` unsets it); False if the key is
    unknown or revoked."""
    given = {
        "name": name,
        "scopes": None if scopes is None else list(scopes),
        "monthly_quota": monthly_quota,
        "expires_at": expires_at,
    }
    values: dict[str, Any] = {column: value for column, value in given.items() if value is not None}
    if clear_quota:
        values["monthly_quota"] = None
    if clear_expiry:
        values["expires_at"] = None
    return bool(values) and _update_unrevoked(conn, key_id, values)


def set_key_disabled(conn: Connection, key_id: int, *, disabled_at: datetime | None) -> bool:
    """Disable (a time) or enable (None) an unrevoked key; False if unknown or revoked."""
    return _update_unrevoked(conn, key_id, {"disabled_at": disabled_at})


def rotate_api_key(
    conn: Connection, key_id: int, *, prefix: str, key_hash: str, previous_valid_until: datetime
) -> bool:
    """Give the key a new secret; the current one stays valid until ``previous_valid_until``
    (a secret from an earlier rotation stops at once). False if unknown or revoked."""
    c = api_keys.c
    return _update_unrevoked(
        conn,
        key_id,
        {
            "previous_key_hash": c.key_hash,
            "previous_key_expires_at": previous_valid_until,
            "key_hash": key_hash,
            "prefix": prefix,
        },
    )


def touch_api_key(conn: Connection, key_id: int, *, now: datetime) -> None:
    conn.execute(sa.update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))
