"""Permit history: upsert_permits keeps one row per changed field, and the timeline reads back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.ingest_state import start_run
from permitdb.store.permit_changes import ChangeKeyset, permit_history, timeline_head
from permitdb.store.permits import upsert_permits
from permitdb.store.tables import permit_changes

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
MakeRecord = Callable[..., PermitRecord]


def history_of(
    engine: Engine, permit_id: str, limit: int = 100
) -> list[tuple[str, object, object]]:
    with engine.connect() as conn:
        head = timeline_head(conn, permit_id)
        assert head is not None
        changes, _ = permit_history(conn, head.permit_seq, limit=limit)
    return [(change.field, change.old, change.new) for change in changes]


def change_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(permit_changes)).scalar_one()


def test_status_and_valuation_change_make_two_rows_with_old_and_new(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    first = make_record(
        source_record_id="A-1", permit_number="A-1", status="issued", valuation=Decimal("28500.00")
    )
    with engine.begin() as conn:
        upsert_permits(conn, [first], now=NOW)
    changed = make_record(
        source_record_id="A-1", permit_number="A-1", status="finaled", valuation=Decimal("31000.50")
    )
    with engine.begin() as conn:
        upsert_permits(conn, [changed], now=LATER)
    assert sorted(history_of(engine, first.id)) == [
        ("status", "issued", "finaled"),
        ("valuation", 28500.0, 31000.5),
    ]
    with engine.connect() as conn:
        head = timeline_head(conn, first.id)
        assert head is not None
        changes, _ = permit_history(conn, head.permit_seq, limit=10)
    assert (head.first_seen_at, head.changes) == (NOW, 2)
    assert {change.observed_at for change in changes} == {LATER}
    assert {change.run_id for change in changes} == {None}


def test_an_unchanged_re_upsert_and_a_first_insert_record_nothing(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    records = [make_record() for _ in range(3)]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
        upsert_permits(conn, records, now=LATER)
    assert change_rows(engine) == 0


def test_a_changed_hash_with_no_tracked_field_changed_records_nothing(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    first = make_record(source_record_id="B-1", permit_number="B-1", raw={"v": 1})
    refetched = make_record(
        source_record_id="B-1",
        permit_number="B-1",
        raw={"v": 2},
        fetched_at=LATER,
        source_updated_at=LATER,
        classification_rules=["rule:other"],
    )
    with engine.begin() as conn:
        upsert_permits(conn, [first], now=NOW)
        counts = upsert_permits(conn, [refetched], now=LATER)
    assert counts.updated == 1
    assert change_rows(engine) == 0


def test_a_tag_set_change_is_recorded_but_a_reordering_is_not(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    first = make_record(source_record_id="C-1", permit_number="C-1", tags=["solar", "battery"])
    reordered = make_record(source_record_id="C-1", permit_number="C-1", tags=["battery", "solar"])
    grown = make_record(
        source_record_id="C-1", permit_number="C-1", tags=["battery", "solar", "roofing"]
    )
    with engine.begin() as conn:
        upsert_permits(conn, [first], now=NOW)
        upsert_permits(conn, [reordered], now=LATER)
        upsert_permits(conn, [grown], now=LATER + timedelta(hours=1))
    assert history_of(engine, first.id) == [
        ("tags", ["battery", "solar"], ["battery", "solar", "roofing"])
    ]


def test_values_of_every_type_round_trip_and_empty_is_null(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    first = make_record(
        source_record_id="D-1", permit_number="D-1", finaled_date=None, stories=2, latitude=30.25
    )
    changed = make_record(
        source_record_id="D-1",
        permit_number="D-1",
        finaled_date=date(2026, 5, 1),
        stories=None,
        latitude=30.5,
    )
    with engine.begin() as conn:
        upsert_permits(conn, [first], now=NOW)
        upsert_permits(conn, [changed], now=LATER)
    assert sorted(history_of(engine, first.id)) == [
        ("finaled_date", None, "2026-05-01"),
        ("latitude", 30.25, 30.5),
        ("stories", 2, None),
    ]


def test_changes_carry_the_ingest_run_that_saw_them(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    with engine.begin() as conn:
        upsert_permits(
            conn,
            [make_record(source_record_id="E-1", permit_number="E-1", status="issued")],
            now=NOW,
        )
        run_id = start_run(conn, austin.slug, mode="incremental", cursor_before=None, now=LATER)
        changed = make_record(source_record_id="E-1", permit_number="E-1", status="expired")
        upsert_permits(conn, [changed], now=LATER, run_id=run_id)
        head = timeline_head(conn, changed.id)
        assert head is not None
        (change,), _ = permit_history(conn, head.permit_seq, limit=10)
    assert (change.field, change.run_id) == ("status", run_id)


def test_timeline_is_newest_first_and_pages_by_keyset(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    statuses = ["applied", "in_review", "issued", "inspection", "finaled"]
    with engine.begin() as conn:
        for hour, status in enumerate(statuses):
            record = make_record(source_record_id="F-1", permit_number="F-1", status=status)
            upsert_permits(conn, [record], now=NOW + timedelta(hours=hour))
    with engine.connect() as conn:
        head = timeline_head(conn, record.id)
        assert head is not None
        seen: list[str] = []
        after: ChangeKeyset | None = None
        for _ in range(3):
            changes, after = permit_history(conn, head.permit_seq, limit=2, after=after)
            seen += [change.new for change in changes]
            if after is None:
                break
    assert seen == ["finaled", "inspection", "issued", "in_review"]
    assert after is None
    assert head.changes == 4


def test_timeline_head_of_an_unknown_permit_is_none(engine: Engine) -> None:
    with engine.connect() as conn:
        assert timeline_head(conn, "no-such-permit") is None
