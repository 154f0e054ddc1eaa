"""Normalize the quarantined records of a dataset again before its sync reads new pages.

An incremental sync reads only from its cursor on, so a row rejected before a catalog fix
would never be read again; its stored payload is. Each open entry is normalized with the
current catalog entry and rules: one that now loads is written (unless the table already holds
a copy of the record fetched later) and its entry resolved; one still rejected stays open.
Open entries are few next to a dataset's rows, and normalizing one costs microseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import RecordRejected
from permitdb.ingest.kinds import kind_of
from permitdb.ingest.page import UNEXPECTED_ERRORS
from permitdb.ingest.poison import write_page
from permitdb.store import ingest_state, quarantine
from permitdb.store.ingest_state import QuarantineRow
from permitdb.store.records import fetched_at_by_key


def retry_quarantined(
    engine: Engine, entry: CatalogEntry, *, run_id: int, clock: Callable[[], datetime]
) -> int:
    """Load what the current catalog entry can read of the open quarantine; returns how many
    entries were resolved."""
    resolved = 0
    after = 0
    while True:
        with engine.connect() as conn:
            batch = quarantine.unresolved(conn, entry.slug, after=after, limit=entry.page_size)
        if not batch:
            return resolved
        after = batch[-1].id
        resolved += _retry_batch(engine, entry, batch, run_id=run_id, now=clock())


def _retry_batch(
    engine: Engine, entry: CatalogEntry, batch: list[QuarantineRow], *, run_id: int, now: datetime
) -> int:
    kind = kind_of(entry)
    latest: dict[str, Any] = {}  # the newest quarantined payload of each key
    entries: dict[str, list[int]] = {}
    for row in batch:
        try:
            record = kind.normalize(entry, row.raw, fetched_at=row.created_at)
        except (RecordRejected, *UNEXPECTED_ERRORS):
            continue  # still unreadable: the entry stays open
        latest[record.source_record_id] = record  # the batch runs oldest first
        entries.setdefault(record.source_record_id, []).append(row.id)
    if not latest:
        return 0
    with engine.begin() as conn:
        stored = fetched_at_by_key(conn, kind.table, entry.slug, list(latest))
        # a copy fetched after the quarantined payload is newer: it stays
        fresh = [
            record
            for key, record in latest.items()
            if (fetched := stored.get(key)) is None
            or record.fetched_at is None
            or fetched < record.fetched_at
        ]
        written = write_page(conn, entry, fresh, now=now, run_id=run_id)
        refused = {reject.source_record_id for reject in written.refused}
        done = [entry_id for key, ids in entries.items() if key not in refused for entry_id in ids]
        quarantine.resolve_entries(conn, done, now=now)
        ingest_state.quarantine(conn, entry.slug, run_id=run_id, rejects=written.refused, now=now)
        ingest_state.count_run(
            conn,
            run_id,
            {
                "inserted": written.counts.inserted,
                "updated": written.counts.updated,
                "unchanged": written.counts.unchanged,
            },
        )
    return len(done)
