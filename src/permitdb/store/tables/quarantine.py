"""Rejected records, kept with the reason (``store.quarantine``)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text

from permitdb.store.dialects import Json, Serial
from permitdb.store.tables.base import UtcDateTime, metadata

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False),
    Column("run_id", Serial, ForeignKey("ingest_runs.id"), nullable=False),
    Column("source_record_id", Text),
    Column("reason_code", String(50), nullable=False),
    Column("message", Text, nullable=False),
    Column("field", Text),
    Column("raw", Json, nullable=False),
    Column("raw_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # set when the record loads after all (a catalog fix, or the portal fixed the row)
    Column("resolved_at", UtcDateTime()),
    Index("ix_quarantine_dataset_source_record_id", "dataset", "source_record_id"),
    # a record rejected again for the same reason is not stored twice
    Index(
        "uq_quarantine_dataset_raw_hash_reason", "dataset", "raw_hash", "reason_code", unique=True
    ),
)
