"""Write one page so that a record the database refuses is quarantined on its own.

PostgreSQL aborts a whole transaction on one value it cannot hold (a number beyond its column,
a text its full-text index cannot take), and a rerun would hit the same page forever. So the
numbers are checked against the column types first (``store.limits``, the same verdict on both
engines), and a page the database still refuses is written again record by record, each in its
own savepoint: the records it takes load, each one it refuses is quarantined with
``database_refused`` and the database's own reason. A page of several records none of which
the database takes points at the database (full, read-only), not at the records: it fails.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from permitdb.catalog.model import CatalogEntry
from permitdb.ingest.contract import MIN_EVIDENCE
from permitdb.ingest.kinds import Kind, kind_of
from permitdb.store.ingest_state import Rejected
from permitdb.store.limits import out_of_range
from permitdb.store.records import UpsertCounts

log = logging.getLogger("permitdb.ingest")

DATABASE_REFUSED: Final = "database_refused"


@dataclass(slots=True)
class WrittenPage:
    counts: UpsertCounts
    refused: list[Rejected] = field(default_factory=list)


def write_page(
    conn: Connection,
    entry: CatalogEntry,
    records: Sequence[Any],
    *,
    now: datetime,
    run_id: int,
) -> WrittenPage:
    """Upsert ``entry``'s ``records`` inside the caller's transaction, then run its kind's
    ``after_write`` steps on the records written; refused records come back."""
    kind = kind_of(entry)
    storable: list[Any] = []
    refused: list[Rejected] = []
    for record in records:
        reason = out_of_range(record, kind.table)
        if reason is None:
            storable.append(record)
        else:
            refused.append(_refusal(record, reason))
    try:
        with conn.begin_nested():
            counts = kind.write(conn, storable, now=now, run_id=run_id)
            _after_write(conn, kind, entry, storable, now)
            return WrittenPage(counts, refused)
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        log.info("a page was refused (%s); writing it record by record", _reason(exc))
        page_error = exc
    counts = _zero()
    taken = 0
    for record in storable:
        try:
            with conn.begin_nested():
                counts = _added(counts, kind.write(conn, [record], now=now, run_id=run_id))
                _after_write(conn, kind, entry, [record], now)
            taken += 1
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            refused.append(_refusal(record, _reason(exc)))
    if taken == 0 and len(storable) >= MIN_EVIDENCE:
        # a whole page refused record by record: the database, not a record, is the problem
        raise page_error
    return WrittenPage(counts, refused)


def _after_write(
    conn: Connection, kind: Kind[Any], entry: CatalogEntry, written: Sequence[Any], now: datetime
) -> None:
    for step in kind.after_write:
        step(conn, entry, written, now=now)


def _refusal(record: Any, reason: str) -> Rejected:
    return Rejected(
        source_record_id=record.source_record_id,
        code=DATABASE_REFUSED,
        message=f"the database refused this record: {reason}",
        field=None,
        raw=record.raw,
    )


def _reason(exc: DBAPIError) -> str:
    """The database's own one-line reason (the statement and its parameters left out)."""
    return (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0][:300]


def _zero() -> UpsertCounts:
    return UpsertCounts(inserted=0, updated=0, unchanged=0)


def _added(left: UpsertCounts, right: UpsertCounts) -> UpsertCounts:
    return UpsertCounts(
        inserted=left.inserted + right.inserted,
        updated=left.updated + right.updated,
        unchanged=left.unchanged + right.unchanged,
    )
