"""The registered datasets every stored record points at."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from permitdb.store.tables.base import UtcDateTime, metadata

datasets = Table(
    "datasets",
    metadata,
    Column("slug", String(200), primary_key=True),  # "<jurisdiction>/<dataset>"
    Column("jurisdiction", String(100), nullable=False, index=True),
    Column("jurisdiction_name", Text, nullable=False),
    Column("state", String(2), nullable=False),
    Column("name", Text, nullable=False),
    Column("platform", String(20), nullable=False),
    Column("record_class", String(40), nullable=False),
    Column("source_url", Text, nullable=False),  # redacted of secrets
    Column("registered_at", UtcDateTime(), nullable=False),
)
