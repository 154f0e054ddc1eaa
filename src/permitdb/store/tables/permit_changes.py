"""Permit history (``store.permit_changes``)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text

from permitdb.store.dialects import Serial
from permitdb.store.tables.base import UtcDateTime, metadata

# One row per canonical field a re-sync saw change (store.permit_changes): the permit's history.
permit_changes = Table(
    "permit_changes",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("permit_seq", Serial, ForeignKey("permits.seq", ondelete="CASCADE"), nullable=False),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False),
    Column("observed_at", UtcDateTime(), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old_value", Text),  # JSON text; NULL when the field was empty
    Column("new_value", Text),
    Column("run_id", Serial, ForeignKey("ingest_runs.id")),  # NULL when written outside ingest
    # one permit's timeline, newest first, read backwards off this index
    Index("ix_permit_changes_permit_seq_observed_at_id", "permit_seq", "observed_at", "id"),
)
