"""The quarantine's way out: entries are resolved when their record loads after all.

A record is quarantined with its source key whenever the key can be read; when a later page
loads that key (the portal fixed the row, or a catalog fix made it readable), the entry is
resolved. ``unresolved`` hands ingest the stored payloads to normalize again at the start of a
sync, so rows rejected before a catalog fix never fall behind the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from typing import Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store.ingest_state import QuarantineRow
from permitdb.store.tables import quarantine

_CHUNK: Final = 500  # keys per IN list: well under either engine's parameter limit


def resolve_loaded(
    conn: Connection, dataset: str, source_record_ids: Sequence[str], *, now: datetime
) -> int:
    """Resolve the open entries of ``dataset`` whose record has just loaded; returns how many."""
    resolved = 0
    keys = iter(source_record_ids)
    while chunk := list(islice(keys, _CHUNK)):
        resolved += conn.execute(
            sa.update(quarantine)
            .where(
                quarantine.c.dataset == dataset,
                quarantine.c.resolved_at.is_(None),
                quarantine.c.source_record_id.in_(chunk),
            )
            .values(resolved_at=now)
        ).rowcount
    return resolved


def resolve_entries(conn: Connection, entry_ids: Sequence[int], *, now: datetime) -> None:
    """Resolve entries by id (their stored payload loaded when normalized again)."""
    ids = iter(entry_ids)
    while chunk := list(islice(ids, _CHUNK)):
        conn.execute(
            sa.update(quarantine).where(quarantine.c.id.in_(chunk)).values(resolved_at=now)
        )


def unresolved(conn: Connection, dataset: str, *, after: int, limit: int) -> list[QuarantineRow]:
    """Up to ``limit`` open entries of ``dataset`` with ids above ``after``, oldest first."""
    statement = (
        sa.select(quarantine)
        .where(
            quarantine.c.dataset == dataset,
            quarantine.c.resolved_at.is_(None),
            quarantine.c.id > after,
        )
        .order_by(quarantine.c.id)
        .limit(limit)
    )
    return [QuarantineRow(**row._mapping) for row in conn.execute(statement)]
