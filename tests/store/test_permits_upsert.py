"""upsert_permits: counts, store-stamped times, tags in step, exact round-trip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.permits import UpsertCounts, get_permit, get_permits, upsert_permits
from permitdb.store.tables import permit_tags, permits

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
MakeRecord = Callable[..., PermitRecord]
LATER = NOW + timedelta(days=1)
CENTRAL_DAYLIGHT = timezone(timedelta(hours=-5))


def tags_of(engine: Engine, permit_id: str) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(permit_tags.c.tag)
            .join(permits, permits.c.seq == permit_tags.c.permit_seq)
            .where(permits.c.id == permit_id)
        )
        return set(rows.scalars())


def test_insert_then_unchanged_then_update(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    first, second, third = (make_record() for _ in range(3))
    with engine.begin() as conn:
        assert upsert_permits(conn, [first, second, third], now=NOW) == UpsertCounts(3, 0, 0)
    changed = make_record(source_record_id=second.source_record_id, status="finaled")
    with engine.begin() as conn:
        counts = upsert_permits(conn, [first, changed, third], now=LATER)
    assert counts == UpsertCounts(inserted=0, updated=1, unchanged=2)
    with engine.connect() as conn:
        kept, updated = get_permit(conn, first.id), get_permit(conn, second.id)
    assert kept is not None
    assert updated is not None
    assert (kept.first_seen_at, kept.updated_at) == (NOW, NOW)
    assert (updated.first_seen_at, updated.updated_at) == (NOW, LATER)
    assert updated.status == "finaled"
    assert updated.content_hash == changed.content_hash


def test_unchanged_rows_are_not_rewritten(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    record = make_record()
    with engine.begin() as conn:
        upsert_permits(conn, [record], now=NOW)
    # same hash, different content: proves the stored row was left alone, not rewritten
    same_hash = replace(record, description="should not be written")
    with engine.begin() as conn:
        assert upsert_permits(conn, [same_hash], now=LATER) == UpsertCounts(0, 0, 1)
        stored = get_permit(conn, record.id)
    assert stored is not None
    assert stored.description == record.description
    assert stored.updated_at == NOW


def test_a_row_repeated_in_a_page_is_written_once_as_its_last_version(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    older = make_record(source_record_id="X-1", status="issued")
    newer = make_record(source_record_id="X-1", status="finaled")
    with engine.begin() as conn:
        assert upsert_permits(conn, [older, newer], now=NOW) == UpsertCounts(1, 0, 0)
        stored = get_permit(conn, newer.id)
    assert stored is not None
    assert stored.status == "finaled"


def test_tags_follow_inserts_and_updates(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    record = make_record(tags=["roofing", "solar", "roofing"])
    untouched = make_record(tags=["pool"])
    with engine.begin() as conn:
        upsert_permits(conn, [record, untouched], now=NOW)
    assert tags_of(engine, record.id) == {"roofing", "solar"}
    retagged = make_record(source_record_id=record.source_record_id, tags=["hvac"])
    with engine.begin() as conn:
        upsert_permits(conn, [retagged, untouched], now=LATER)
    assert tags_of(engine, record.id) == {"hvac"}
    assert tags_of(engine, untouched.id) == {"pool"}
    cleared = make_record(source_record_id=record.source_record_id, tags=[])
    with engine.begin() as conn:
        upsert_permits(conn, [cleared], now=LATER)
    assert tags_of(engine, record.id) == set()


def test_a_large_page_crosses_the_in_list_chunks(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    page = [make_record() for _ in range(2500)]
    with engine.begin() as conn:
        assert upsert_permits(conn, page, now=NOW) == UpsertCounts(2500, 0, 0)
    page[1777] = make_record(source_record_id=page[1777].source_record_id, status="expired")
    with engine.begin() as conn:
        assert upsert_permits(conn, page, now=LATER) == UpsertCounts(0, 1, 2499)


def test_every_field_round_trips_exactly(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    record = make_record(
        permit_subtype="Solar PV",
        proposed_use="Single family",
        master_permit_number="2026-000001 BP",
        finaled_date=date(2026, 5, 30),
        expires_date=date(2026, 9, 12),
        status_date=date(2026, 3, 16),
        co_issued_date=None,
        valuation=Decimal("1234567890123.45"),
        fees=Decimal("0.10"),
        original_address2="Unit 500",
        unit="UNIT 500",
        owner_name="Zoë Müller",
        owner_phone="(512) 555-0199",
        applicant_name="Ana O'Brien",
        contractor_address="PO Box 12, Austin TX",
        source_updated_at=datetime(2026, 3, 16, 23, 59, 59, 999999, tzinfo=UTC),
        fetched_at=datetime(2026, 3, 17, 5, 4, 3, 21, tzinfo=CENTRAL_DAYLIGHT),
        quality_flags=["valuation_outlier", "geo_missing"],
        raw={
            "description": "Caf\ufffd remodel \u2014 \u00e9t\u00e9",
            "valuation": 28500.5,
            "nested": {"list": [1, "two", None, True]},
            "empty": "",
        },
    )
    with engine.begin() as conn:
        upsert_permits(conn, [record], now=NOW)
    with engine.connect() as conn:
        stored = get_permit(conn, record.id)
    assert stored is not None
    assert stored == replace(
        record,
        first_seen_at=NOW,
        updated_at=NOW,
        fetched_at=record.fetched_at.astimezone(UTC) if record.fetched_at else None,
    )
    assert stored.fetched_at is not None
    assert stored.fetched_at.tzinfo is UTC
    assert type(stored.valuation) is Decimal


def test_naive_datetimes_are_refused(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    record = make_record(fetched_at=datetime(2026, 3, 17, 6, 0))
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), engine.begin() as conn:
        upsert_permits(conn, [record], now=NOW)


def test_get_permits_keeps_the_asked_order(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    records = [make_record() for _ in range(3)]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
        found = get_permits(conn, [records[2].id, "missing", records[0].id])
        assert get_permit(conn, "missing") is None
    assert [r.id for r in found] == [records[2].id, records[0].id]
