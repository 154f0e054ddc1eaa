"""Permit queries: the page upsert ingest writes and the searches ``services/permits`` runs.

What a search may ask, and its WHERE clauses, live in ``permit_filters``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import FIELD_NAMES, PermitRecord
from permitdb.normalize.parcel_keys import parcel_key
from permitdb.normalize.permit_numbers import permit_number_key, permit_number_shape
from permitdb.store import dialects
from permitdb.store.permit_changes import record_changes

# re-exported: the query is the input of this module's searches, so callers import it here
from permitdb.store.permit_filters import PermitQuery as PermitQuery
from permitdb.store.permit_filters import parsed_text, permit_filters
from permitdb.store.records import UpsertCounts
from permitdb.store.sorts import PermitKeyset, keyset_of, ranges_after, scan_order
from permitdb.store.tables import permit_tags, permits

PERMIT_COLUMNS: Final = tuple(permits.c[name] for name in FIELD_NAMES)
# Every column before ``raw``: the record without its source record and content hash, the
# dataclass's last two fields, which then take their defaults. Reading and decoding ``raw``
# is most of a row's cost, and a flat export or a lean listing never shows it.
LEAN_COLUMNS: Final = PERMIT_COLUMNS[: FIELD_NAMES.index("raw")]
# Stamped by the store, never taken from the record; an update keeps first_seen_at, and the
# contractor link is the resolver's (store.contractors), written after the page.
STORE_STAMPED: Final = frozenset({"first_seen_at", "updated_at", "contractor_id"})
UPDATED_COLUMNS: Final = tuple(
    name for name in FIELD_NAMES if name not in STORE_STAMPED and name != "id"
)
# Keeps IN lists well under SQLite's bound-parameter limit, whatever the page size.
CHUNK: Final = 1000


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
    values["permit_number_key"] = permit_number_key(record.permit_number)
    values["permit_number_shape"] = permit_number_shape(record.permit_number)
    values["parcel_key"] = parcel_key(record.parcel_id)
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
            sa.insert(permits),
            [
                # a contractor resolved before the write is inserted with the row (a second
                # write of the row, every index with it, is what linking afterwards costs)
                {
                    **_values(r, now),
                    "id": r.id,
                    "first_seen_at": now,
                    "contractor_id": r.contractor_id,
                }
                for r in new
            ],
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
    """A ``PermitRecord`` from a row selected with ``PERMIT_COLUMNS`` (or ``LEAN_COLUMNS``).

    Positional: those columns are the dataclass's fields in order, and building a keyword dict
    per row was a sixth of a search page's time in the store.
    """
    return PermitRecord(*row)


def _count(conn: Connection, where: Sequence[sa.ColumnElement[bool]], cap: int) -> int:
    """Permits matching ``where``, counted up to ``cap``: never more rows read than that."""
    matching = sa.select(sa.literal(1)).select_from(permits).where(*where).limit(cap)
    return int(
        conn.execute(sa.select(sa.func.count()).select_from(matching.subquery())).scalar_one()
    )


def search_permits(
    conn: Connection,
    query: PermitQuery,
    *,
    after: PermitKeyset | None = None,
    with_raw: bool = True,
) -> tuple[list[PermitRecord], PermitKeyset | None]:
    """One page in ``query.sort`` order, and the keyset to continue from (None on the last page).

    ``with_raw=False`` reads :data:`LEAN_COLUMNS`: each record's ``raw`` is then empty and its
    ``content_hash`` blank.

    ``query.offset`` rows are skipped first. The listing is read as ranges (store.sorts); an
    offset that runs past a range is carried into the next one, less the rows it skipped there.
    """
    wanted = query.limit + 1  # one more than a page tells whether another page exists
    common_text = dialects.fulltext_is_common(conn, parsed_text(query), wanted + query.offset)
    where = permit_filters(conn.dialect, query, common_text=common_text)
    rows: list[sa.Row[Any]] = []
    skip = query.offset
    for bound in ranges_after(query.sort, after):
        statement = (
            sa.select(*(PERMIT_COLUMNS if with_raw else LEAN_COLUMNS))
            .where(*where, bound)
            .order_by(*scan_order(query.sort))
            .limit(wanted - len(rows))
        )
        found = list(conn.execute(statement.offset(skip) if skip else statement))
        rows.extend(found)
        if len(rows) >= wanted:
            break
        # rows found: the offset ended inside this range; none: the range was shorter than it
        skip = 0 if found or not skip else skip - _count(conn, [*where, bound], skip)
    records = [row_to_record(row) for row in rows[: query.limit]]
    if len(rows) <= query.limit:
        return records, None
    return records, keyset_of(query.sort, records[-1])


def count_permits(conn: Connection, query: PermitQuery, *, cap: int = 10_000) -> tuple[int, bool]:
    """(count, is_exact): counting stops after ``cap`` + 1 rows, so it never scans everything."""
    counted = _count(conn, permit_filters(conn.dialect, query), cap + 1)
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
