"""sort=: every order pages each row once, in order, NULLs last; offsets; no sort in the plan."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.dialects import is_sqlite
from permitdb.store.permits import PermitQuery, search_permits, upsert_permits
from permitdb.store.sorts import PermitKeyset, PermitSort

from .test_permits_paging import walk

MakeRecord = Callable[..., PermitRecord]
NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
SORTS: tuple[PermitSort, ...] = get_args(PermitSort)
# sort name -> the record field it orders by
FIELDS = {
    "issued": "issued_date",
    "filed": "applied_date",
    "finaled": "finaled_date",
    "valuation": "valuation",
    "updated": "updated_at",
}
# few distinct values, so runs of ties straddle page boundaries; about a third are NULL
DATES = [None, None, date(2026, 3, 16), date(2026, 3, 15), date(2025, 12, 31)]
VALUATIONS = [None, None, Decimal("0.00"), Decimal("14999.99"), Decimal("28500.00")]


def random_record(make_record: MakeRecord, rng: random.Random) -> PermitRecord:
    return make_record(
        applied_date=rng.choice(DATES),
        issued_date=rng.choice(DATES),
        finaled_date=rng.choice(DATES),
        valuation=rng.choice(VALUATIONS),
    )


def seed(engine: Engine, make_record: MakeRecord, count: int, rng: random.Random) -> None:
    # three upserts an hour apart: updated_at (stamped by the store) has ties too
    for batch in range(3):
        records = [random_record(make_record, rng) for _ in range(count // 3)]
        with engine.begin() as conn:
            upsert_permits(conn, records, now=NOW + timedelta(hours=batch))


def stored(engine: Engine) -> list[PermitRecord]:
    with engine.connect() as conn:
        return search_permits(conn, PermitQuery(limit=1000))[0]


def in_order(records: list[PermitRecord], sort: PermitSort) -> list[str]:
    """The order ``sort`` means, computed in Python: NULLs last, ties by id the same way."""
    field, _, direction = sort.rpartition("_")
    descending = direction == "desc"

    def value(record: PermitRecord) -> Any:
        return getattr(record, FIELDS[field])

    present = sorted(
        (r for r in records if value(r) is not None),
        key=lambda r: (value(r), r.id),
        reverse=descending,
    )
    absent = sorted(
        (r for r in records if value(r) is None), key=lambda r: r.id, reverse=descending
    )
    return [r.id for r in present + absent]


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_pages_every_row_once_in_order(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord, sort: PermitSort
) -> None:
    seed(engine, make_record, 90, random.Random(7))
    expected = in_order(stored(engine), sort)
    assert len(expected) == 90
    for limit in (1, 13, 89, 90, 91):
        assert walk(engine, PermitQuery(sort=sort, limit=limit)) == expected


@pytest.mark.parametrize("sort", SORTS)
def test_inserts_between_pages_cause_no_repeats_or_gaps(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord, sort: PermitSort
) -> None:
    rng = random.Random(11)
    seed(engine, make_record, 60, rng)
    expected = in_order(stored(engine), sort)

    def insert_some() -> None:
        with engine.begin() as conn:
            new = [random_record(make_record, rng) for _ in range(3)]
            upsert_permits(conn, new, now=NOW + timedelta(hours=rng.randint(-2, 4)))

    seen = walk(engine, PermitQuery(sort=sort, limit=8), between_pages=insert_some)
    assert len(seen) == len(set(seen))
    assert [i for i in seen if i in set(expected)] == expected


@pytest.mark.parametrize("sort", ["issued_desc", "filed_asc", "valuation_asc", "updated_desc"])
def test_offset_pages_are_slices_of_the_order_and_continue_by_keyset(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord, sort: PermitSort
) -> None:
    seed(engine, make_record, 45, random.Random(5))
    expected = in_order(stored(engine), sort)
    for offset in range(0, len(expected) + 4, 4):  # some offsets run into the NULL rows
        with engine.connect() as conn:
            page, after = search_permits(conn, PermitQuery(sort=sort, limit=10, offset=offset))
        assert [r.id for r in page] == expected[offset : offset + 10]
        assert (after is None) == (offset + 10 >= len(expected))
        if after is not None:
            rest = walk(engine, PermitQuery(sort=sort, limit=10), after=after)
            assert rest == expected[offset + 10 :]


def listing_statements(engine: Engine, query: PermitQuery, after: PermitKeyset) -> list[Any]:
    """The SELECTs one deep page runs, with their parameters, as the driver got them."""
    captured: list[Any] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "ORDER BY" in statement:
            captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as conn:
            search_permits(conn, query, after=after)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    return captured


@pytest.mark.parametrize("sort", SORTS)
def test_a_deep_page_reads_an_index_in_order_and_never_sorts(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord, sort: PermitSort
) -> None:
    seed(engine, make_record, 30, random.Random(3))
    middle = stored(engine)[15]
    field = FIELDS[sort.rpartition("_")[0]]
    after = PermitKeyset(sort, getattr(middle, field), middle.id)
    statements = listing_statements(engine, PermitQuery(sort=sort, limit=5), after)
    assert statements
    with engine.connect() as conn:
        if not is_sqlite(conn.dialect):
            # a table this small is cheaper to sort than to walk: forbid sorting so the plan
            # shows whether an index can give the order at all (if not, a Sort node stays)
            conn.exec_driver_sql("SET enable_sort = off")
        for statement, parameters in statements:
            explain = "EXPLAIN QUERY PLAN " if is_sqlite(conn.dialect) else "EXPLAIN "
            plan = " ".join(map(str, conn.exec_driver_sql(explain + statement, parameters).all()))
            assert "TEMP B-TREE" not in plan
            assert "Sort" not in plan
