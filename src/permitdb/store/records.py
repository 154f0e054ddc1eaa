"""The page upsert of the record kinds that keep no history: contractor licences and parcels.

Their tables have one column per field of the canonical record (``store.tables``), keyed by
``id`` and unique on (dataset, source_record_id), like ``permits``. A row whose content hash
is unchanged is not rewritten; ``first_seen_at`` is kept on update. Permits write through
``store.permits``, which also keeps tags, history and lookup keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Final, Protocol

import sqlalchemy as sa
from sqlalchemy import Connection

# Keeps IN lists well under SQLite's bound-parameter limit, whatever the page size.
CHUNK: Final = 1000
# Stamped by the store, never taken from the record.
STORE_STAMPED: Final = frozenset({"first_seen_at", "updated_at"})


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


class StoredRecord(Protocol):
    """What every canonical record has: its identity, its source and its content hash."""

    @property
    def id(self) -> str: ...
    @property
    def dataset(self) -> str: ...
    @property
    def source_record_id(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def fetched_at(self) -> datetime | None: ...


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def existing_rows(
    conn: Connection, table: sa.Table, dataset: str, source_record_ids: Sequence[str]
) -> dict[str, Any]:
    """source_record_id -> row of (id, content_hash, fetched_at) for the keys already stored."""
    found: dict[str, Any] = {}
    for chunk in chunks(list(dict.fromkeys(source_record_ids))):
        rows = conn.execute(
            sa.select(
                table.c.source_record_id, table.c.id, table.c.content_hash, table.c.fetched_at
            ).where(table.c.dataset == dataset, table.c.source_record_id.in_(chunk))
        )
        found.update((row.source_record_id, row) for row in rows)
    return found


def upsert_records(
    conn: Connection, table: sa.Table, records: Sequence[StoredRecord], *, now: datetime
) -> UpsertCounts:
    """Write a page of one dataset's records by (dataset, source_record_id)."""
    latest = {(r.dataset, r.source_record_id): r for r in records}
    new: list[StoredRecord] = []
    changed: list[StoredRecord] = []
    for dataset in {key[0] for key in latest}:
        keys = [source_id for (d, source_id) in latest if d == dataset]
        stored = existing_rows(conn, table, dataset, keys)
        for source_id in keys:
            record = latest[dataset, source_id]
            row = stored.get(source_id)
            if row is None:
                new.append(record)
            elif row.content_hash != record.content_hash:
                changed.append(record)
    if new:
        conn.execute(sa.insert(table), [{**_values(r, now), "first_seen_at": now} for r in new])
    if changed:
        conn.execute(
            sa.update(table).where(table.c.id == sa.bindparam("target_id")),
            [{**_values(r, now), "target_id": r.id} for r in changed],
        )
    return UpsertCounts(
        inserted=len(new), updated=len(changed), unchanged=len(latest) - len(new) - len(changed)
    )


def _values(record: StoredRecord, now: datetime) -> dict[str, Any]:
    values = {
        field.name: getattr(record, field.name)
        for field in dataclasses.fields(record)  # type: ignore[arg-type]
        if field.name not in STORE_STAMPED
    }
    values["fetched_at"] = record.fetched_at or now
    values["updated_at"] = now
    return values


def fetched_at_by_key(
    conn: Connection, table: sa.Table, dataset: str, source_record_ids: Sequence[str]
) -> dict[str, datetime]:
    """source_record_id -> when the stored copy was fetched, for the keys already stored."""
    rows = existing_rows(conn, table, dataset, source_record_ids)
    return {key: row.fetched_at for key, row in rows.items()}
