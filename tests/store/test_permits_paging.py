"""Keyset paging: every record exactly once, in order, across NULL dates and concurrent inserts."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.dialects import fulltext_is_common, is_sqlite
from permitdb.store.fulltext import parse
from permitdb.store.permits import PermitQuery, search_permits, upsert_permits
from permitdb.store.sorts import PermitKeyset, keyset_of

MakeRecord = Callable[..., PermitRecord]
NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
# few distinct dates, so long runs of equal dates straddle page boundaries; a third are NULL
DATES = [None, None, date(2026, 3, 16), date(2026, 3, 15), date(2025, 12, 31)]


def in_listing_order(records: list[PermitRecord]) -> list[str]:
    """issued_date DESC NULLS LAST, id DESC, computed in Python."""
    by_id = sorted(records, key=lambda r: r.id, reverse=True)
    dated = [r for r in by_id if r.issued_date is not None]
    undated = [r for r in by_id if r.issued_date is None]
    dated.sort(key=lambda r: r.issued_date or date.min, reverse=True)  # stable: id order kept
    return [r.id for r in dated + undated]


def seed(engine: Engine, make_record: MakeRecord, count: int, rng: random.Random) -> list[str]:
    records = [make_record(issued_date=rng.choice(DATES)) for _ in range(count)]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
    return in_listing_order(records)


def walk(
    engine: Engine,
    query: PermitQuery,
    between_pages: Callable[[], None] = lambda: None,
    after: PermitKeyset | None = None,
) -> list[str]:
    """Ids of every page from ``after`` on; ``query.offset`` applies to the first page only."""
    seen: list[str] = []
    while True:
        with engine.connect() as conn:
            records, after = search_permits(conn, query, after=after)
        seen += [r.id for r in records]
        if after is None:
            return seen
        assert after == keyset_of(query.sort, records[-1])
        query = replace(query, offset=0)
        between_pages()


def test_pages_visit_every_record_once_in_order(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    expected = seed(engine, make_record, 250, random.Random(7))
    for limit in (1, 7, 50, 249, 250, 251):
        assert walk(engine, PermitQuery(limit=limit)) == expected


def test_inserts_between_pages_cause_no_repeats_or_gaps(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    rng = random.Random(11)
    expected = seed(engine, make_record, 250, rng)

    def insert_some() -> None:
        with engine.begin() as conn:
            new = [make_record(issued_date=rng.choice(DATES)) for _ in range(5)]
            upsert_permits(conn, new, now=NOW + timedelta(minutes=1))

    seen = walk(engine, PermitQuery(limit=20), between_pages=insert_some)
    assert len(seen) == len(set(seen))
    assert [i for i in seen if i in set(expected)] == expected


def test_paging_with_a_filter_and_an_empty_result(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    seed(engine, make_record, 30, random.Random(3))
    with engine.connect() as conn:
        assert search_permits(conn, PermitQuery(state="IL")) == ([], None)
        nulls, after = search_permits(conn, PermitQuery(issued_to=date(2025, 12, 31), limit=100))
    assert after is None
    assert {r.issued_date for r in nulls} <= {date(2025, 12, 31)}


def test_full_text_pages_in_order_whether_the_words_are_common_or_rare(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    # SQLite reads a common word's matches in listing order and a rare word's by rowid
    # (dialects.fulltext_is_common); both must page alike, across NULL dates
    rng = random.Random(5)
    records = [
        make_record(
            issued_date=rng.choice(DATES),
            description="solar panels" if i % 3 else "roof repair",
            contractor_name=None,
        )
        for i in range(250)
    ]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
    # an exclusion alone ("-roof": every permit without roof) is read in listing order too
    for q, wanted, common in (
        ("solar", "solar", True),
        ("roof", "roof", False),
        ("-roof", "solar", True),
    ):
        expected = in_listing_order([r for r in records if wanted in (r.description or "")])
        with engine.connect() as conn:
            assert fulltext_is_common(conn, parse(q), 8) is (common and is_sqlite(conn.dialect))
        for limit in (7, 50, 250):
            assert walk(engine, PermitQuery(q=q, limit=limit)) == expected
