"""Permit queries: the page upsert ingest writes and the searches ``api/routes/permits`` reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import FIELD_NAMES, PermitRecord
from permitdb.store import dialects
from permitdb.store.parcels import PARCEL, no_permit_behind
from permitdb.store.permit_changes import record_changes
from permitdb.store.tables import LISTING_ORDER, permit_tags, permits

PERMIT_COLUMNS: Final = tuple(permits.c[name] for name in FIELD_NAMES)
# Stamped by the store, never taken from the record; an update keeps first_seen_at.
STORE_STAMPED: Final = frozenset({"first_seen_at", "updated_at"})
UPDATED_COLUMNS: Final = tuple(
    name for name in FIELD_NAMES if name not in STORE_STAMPED and name != "id"
)
# Keeps IN lists well under SQLite's bound-parameter limit, whatever the page size.
CHUNK: Final = 1000


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class PermitQuery:
    """Filters of the permit listing; an empty tuple or None means "any"."""

    state: str | None = None
    city: str | None = None
    zip: str | None = None
    jurisdiction: tuple[str, ...] = ()
    record_class: tuple[str, ...] = ("permit",)  # () = all classes
    status: tuple[str, ...] = ()
    status_phase: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # ALL must match
    exclude_tags: tuple[str, ...] = ()  # none may match
    category: tuple[str, ...] = ()
    property_class: tuple[str, ...] = ()
    permit_type: str | None = None  # exact raw permit_type, case-insensitive
    filed_from: date | None = None  # applied_date range, inclusive
    filed_to: date | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    finaled_from: date | None = None
    finaled_to: date | None = None
    min_valuation: Decimal | None = None
    max_valuation: Decimal | None = None
    q: str | None = None  # full text over description, number, address, contractor
    contractor: str | None = None  # case-insensitive substring of contractor_name
    permit_number: str | None = None
    parcel_id: str | None = None
    address_key: str | None = None
    updated_since: datetime | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class PermitKeyset:
    """Where a listing page ended, in listing order (issued_date DESC NULLS LAST, id DESC)."""

    issued_date: date | None
    id: str


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


# --- writing ----------------------------------------------------------------------------------


def _existing(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """(dataset, source_record_id) -> row of (seq, content_hash) for the keys already stored."""
    by_dataset: dict[str, list[str]] = {}
    for dataset, source_record_id in keys:
        by_dataset.setdefault(dataset, []).append(source_record_id)
    found: dict[tuple[str, str], Any] = {}
    for dataset, source_record_ids in by_dataset.items():
        for chunk in _chunks(source_record_ids):
            rows = conn.execute(
                sa.select(permits.c.source_record_id, permits.c.seq, permits.c.content_hash).where(
                    permits.c.dataset == dataset, permits.c.source_record_id.in_(chunk)
                )
            )
            found.update({(dataset, row.source_record_id): row for row in rows})
    return found


def _values(record: PermitRecord, now: datetime) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in UPDATED_COLUMNS}
    # fetched_at is required; a record built outside ingest was fetched "now"
    values["fetched_at"] = record.fetched_at or now
    values["updated_at"] = now
    return values


def _tag_rows(seq: int, record: PermitRecord) -> list[dict[str, Any]]:
    return [{"permit_seq": seq, "tag": tag} for tag in dict.fromkeys(record.tags)]


def upsert_permits(
    conn: Connection,
    records: Sequence[PermitRecord],
    *,
    now: datetime,
    run_id: int | None = None,
) -> UpsertCounts:
    """Write a page by (dataset, source_record_id); an unchanged content_hash is not rewritten.

    A source row repeated within one page is written once, as its last version. Each changed
    field of a rewritten row is kept in the permit's history, seen by ingest run ``run_id``.
    """
    latest = {(record.dataset, record.source_record_id): record for record in records}
    existing = _existing(conn, list(latest))
    new: list[PermitRecord] = []
    changed: list[tuple[int, PermitRecord]] = []
    for key, record in latest.items():
        row = existing.get(key)
        if row is None:
            new.append(record)
        elif row.content_hash != record.content_hash:
            changed.append((row.seq, record))
    tags: list[dict[str, Any]] = []
    if new:
        # a plain executemany, then one SELECT for the new seqs: INSERT..RETURNING over many
        # rows makes one huge statement that psycopg re-parses per batch, 5x slower here
        conn.execute(
            sa.insert(permits), [{**_values(r, now), "id": r.id, "first_seen_at": now} for r in new]
        )
        stored = _existing(conn, [(r.dataset, r.source_record_id) for r in new])
        for record in new:
            tags += _tag_rows(stored[record.dataset, record.source_record_id].seq, record)
    if changed:
        record_changes(conn, changed, now=now, run_id=run_id)
        conn.execute(
            sa.update(permits).where(permits.c.seq == sa.bindparam("target_seq")),
            [{**_values(record, now), "target_seq": seq} for seq, record in changed],
        )
        for chunk in _chunks([seq for seq, _ in changed]):
            conn.execute(sa.delete(permit_tags).where(permit_tags.c.permit_seq.in_(chunk)))
        for seq, record in changed:
            tags += _tag_rows(seq, record)
    if tags:
        conn.execute(sa.insert(permit_tags), tags)
    return UpsertCounts(
        inserted=len(new), updated=len(changed), unchanged=len(latest) - len(new) - len(changed)
    )


# --- reading ----------------------------------------------------------------------------------


def row_to_record(row: sa.Row[Any]) -> PermitRecord:
    """A ``PermitRecord`` from a row selected with ``PERMIT_COLUMNS``.

    Positional: those columns are the dataclass's fields in order, and building a keyword dict
    per row was a sixth of a search page's time in the store.
    """
    return PermitRecord(*row)


def _filters(
    dialect: sa.Dialect, query: PermitQuery, *, common_text: bool = False
) -> list[sa.ColumnElement[bool]]:
    c = permits.c
    where: list[sa.ColumnElement[bool]] = []
    for column, values in (
        (c.jurisdiction, query.jurisdiction),
        (c.record_class, query.record_class),
        (c.status, query.status),
        (c.status_phase, query.status_phase),
        (c.category, query.category),
        (c.property_class, query.property_class),
    ):
        if values:
            where.append(column.in_(values))
    for column, value in (
        (c.state, query.state.upper() if query.state else None),
        (c.zip, query.zip),
        (c.permit_number, query.permit_number),
        (c.parcel_id, query.parcel_id),
        (c.address_key, query.address_key),
    ):
        if value:
            where.append(column == value)
    for column, text in ((c.city, query.city), (c.permit_type, query.permit_type)):
        if text:
            where.append(sa.func.lower(column) == text.lower())
    for column, low, high in (
        (c.applied_date, query.filed_from, query.filed_to),
        (c.issued_date, query.issued_from, query.issued_to),
        (c.finaled_date, query.finaled_from, query.finaled_to),
        (c.valuation, query.min_valuation, query.max_valuation),
        (c.updated_at, query.updated_since, None),
    ):
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    if not query.record_class or PARCEL in query.record_class:
        where.append(no_permit_behind())
    where.extend(_has_tag(tag) for tag in query.tags)
    if query.exclude_tags:
        where.append(~_has_tag(*query.exclude_tags))
    if query.q and query.q.strip():
        where.append(dialects.fulltext_match(dialect, query.q, common=common_text))
    if query.contractor:
        where.append(c.contractor_name.icontains(query.contractor, autoescape=True))
    return where


def _has_tag(*tags: str) -> sa.Exists:
    return sa.exists().where(permit_tags.c.permit_seq == permits.c.seq, permit_tags.c.tag.in_(tags))


def _ranges_after(after: PermitKeyset | None) -> list[sa.ColumnElement[bool]]:
    """What follows ``after`` in listing order, as ranges each read straight off the index.

    One OR over "earlier date, same date and smaller id, or no date" would be the same set, but
    neither engine reads an OR as one index range, so deep pages would rescan from the top.
    """
    issued, permit_id = permits.c.issued_date, permits.c.id
    if after is None:
        return [sa.true()]
    if after.issued_date is None:
        return [sa.and_(issued.is_(None), permit_id < after.id)]
    return [
        sa.and_(
            issued <= after.issued_date,
            sa.or_(issued < after.issued_date, permit_id < after.id),
        ),
        issued.is_(None),
    ]


def search_permits(
    conn: Connection, query: PermitQuery, *, after: PermitKeyset | None = None
) -> tuple[list[PermitRecord], PermitKeyset | None]:
    """One page in listing order, and the keyset to continue from (None on the last page)."""
    wanted = query.limit + 1  # one more than a page tells whether another page exists
    common_text = query.q is not None and dialects.fulltext_is_common(conn, query.q, wanted)
    listing = sa.select(*PERMIT_COLUMNS).where(
        *_filters(conn.dialect, query, common_text=common_text)
    )
    rows: list[sa.Row[Any]] = []
    for bound in _ranges_after(after):
        statement = listing.where(bound).order_by(*LISTING_ORDER).limit(wanted - len(rows))
        rows.extend(conn.execute(statement))
        if len(rows) >= wanted:
            break
    records = [row_to_record(row) for row in rows[: query.limit]]
    if len(rows) <= query.limit:
        return records, None
    last = records[-1]
    return records, PermitKeyset(issued_date=last.issued_date, id=last.id)


def count_permits(conn: Connection, query: PermitQuery, *, cap: int = 10_000) -> tuple[int, bool]:
    """(count, is_exact): counting stops after ``cap`` + 1 rows, so it never scans everything."""
    matching = (
        sa.select(sa.literal(1))
        .select_from(permits)
        .where(*_filters(conn.dialect, query))
        .limit(cap + 1)
    )
    counted = conn.execute(sa.select(sa.func.count()).select_from(matching.subquery())).scalar_one()
    return min(counted, cap), counted <= cap


def get_permit(conn: Connection, permit_id: str) -> PermitRecord | None:
    row = conn.execute(sa.select(*PERMIT_COLUMNS).where(permits.c.id == permit_id)).first()
    return None if row is None else row_to_record(row)


def get_permits(conn: Connection, permit_ids: Sequence[str]) -> list[PermitRecord]:
    """The permits with these ids, in the order asked; unknown ids are left out."""
    found: dict[str, PermitRecord] = {}
    for chunk in _chunks(list(dict.fromkeys(permit_ids))):
        rows = conn.execute(sa.select(*PERMIT_COLUMNS).where(permits.c.id.in_(chunk)))
        found.update((record.id, record) for record in map(row_to_record, rows))
    return [found[permit_id] for permit_id in permit_ids if permit_id in found]
