"""Ingest runs and each dataset's sync state (``store.ingest_state``)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from permitdb.store.dialects import Json, Serial
from permitdb.store.tables.base import UtcDateTime, metadata

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False, index=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    # running | succeeded | failed | incomplete | drifted | interrupted (docs/ingest-runs.md)
    Column("status", String(20), nullable=False),
    Column("mode", String(20), nullable=False),  # incremental | full | resumed
    Column("fetched", Integer, nullable=False, default=0),
    Column("inserted", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    # rows the dataset's definition leaves out, and repeats of a key within one page: with
    # these, fetched = inserted + updated + unchanged + rejected + skipped + duplicates
    Column("skipped", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("cursor_before", Text),
    Column("cursor_after", Text),
    Column("error", Text),
)

# Committed in the same transaction as each page's records: the resume point of a sync.
ingest_state = Table(
    "ingest_state",
    metadata,
    Column("dataset", String(200), ForeignKey("datasets.slug"), primary_key=True),
    Column("cursor_value", Text),  # high-water mark of the last completed sync
    Column("pending_cursor_value", Text),  # high-water mark so far in the running sync
    Column("since", Text),  # the `since` the running sync started with
    Column("resume", Json),  # Page.resume of the last committed page; null when idle
    Column("run_id", Serial, ForeignKey("ingest_runs.id")),
    Column("updated_at", UtcDateTime(), nullable=False),
    # Where cursor_value and resume came from: live | recordings (null: stored before the
    # origin was recorded). A sync never goes on from another origin's cursor.
    Column("origin", String(20)),
    # every source field seen so far, with its value kinds (ingest/contract.py): the schema
    # contract a later page is checked against
    Column("source_fields", Json),
)
