"""API keys (``store.api_keys``): only an HMAC of each key is stored."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from permitdb.store.dialects import Json, Serial
from permitdb.store.tables.base import UtcDateTime, metadata

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("prefix", String(16), nullable=False),  # shown in listings: "pdb_live_ab12"
    Column("key_hash", String(64), nullable=False, unique=True),  # HMAC-SHA256, never the key
    Column("scopes", Json, nullable=False),
    Column("monthly_quota", Integer),  # null: unlimited
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("expires_at", UtcDateTime()),  # null: never expires
    Column("disabled_at", UtcDateTime()),  # set: refused until enabled again
    # After a rotation the old secret's hash stays valid until previous_key_expires_at, so
    # clients can switch over without downtime; the key keeps its id (and its usage).
    Column("previous_key_hash", String(64)),
    Column("previous_key_expires_at", UtcDateTime()),
    Index("ix_api_keys_previous_key_hash", "previous_key_hash", unique=True),
)
