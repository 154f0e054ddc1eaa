"""Place rollups after real syncs equal an aggregate computed here over the raw permits."""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.canonical import PermitRecord
from permitdb.normalize import geo_ids
from permitdb.store import place_metrics
from permitdb.store.permits import get_permit, upsert_permits
from permitdb.store.tables import permits, places
from permitdb.store.tables import place_metrics as rollups

# two in one state: the second sync recounts the state it shares with the first
DATASETS = (
    "austin-tx/issued-construction-permits",
    "los-angeles-ca/building-permits",
    "san-francisco-ca/building-permits",
)
Group = tuple[str, date, str, str]


def _days(start: date | None, end: date | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).days


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _records(engine: Engine) -> list[PermitRecord]:
    with engine.connect() as conn:
        ids = conn.execute(sa.select(permits.c.id)).scalars().all()
        return [r for r in (get_permit(conn, i) for i in ids) if r is not None]


def _place_ids(r: PermitRecord) -> list[str]:
    return [geo_id for geo_id in geo_ids.permit_geo_ids(r).values() if geo_id]


def expected(
    engine: Engine, window: tuple[date, date] | None = None
) -> dict[Group, dict[str, Any]]:
    """The rollup rows, computed in Python from every stored permit."""
    groups: dict[Group, list[PermitRecord]] = defaultdict(list)
    for r in _records(engine):
        day = r.issued_date or r.applied_date
        if r.record_class != "permit" or day is None:
            continue
        month = day.replace(day=1)
        if window is not None:
            if not window[0] <= month <= window[1]:
                continue
            month = window[1]
        for geo_id in _place_ids(r):
            for tag in ["all", *r.tags]:
                for property_type in ("all", "unknown"):
                    groups[geo_id, month, property_type, tag].append(r)
    found: dict[Group, dict[str, Any]] = {}
    for key, members in groups.items():
        approval = [_days(m.applied_date, m.issued_date) for m in members]
        construction = [_days(m.issued_date, m.finaled_date) for m in members]
        valuations = [m.valuation for m in members if m.valuation is not None]
        fees = [m.fees for m in members if m.fees is not None]
        found[key] = {
            "permit_count": len(members),
            "job_value": sum(valuations, Decimal(0)) if valuations else None,
            "fees": sum(fees, Decimal(0)) if fees else None,
            "median_approval_days": _median([d for d in approval if d is not None]),
            "median_construction_days": _median([d for d in construction if d is not None]),
            "active_contractors": len({m.contractor_id for m in members if m.contractor_id}),
        }
    return found


def stored(engine: Engine, months: int = 1) -> dict[Group, dict[str, Any]]:
    columns = ("permit_count", "job_value", "fees", "median_approval_days")
    columns += ("median_construction_days", "active_contractors")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(rollups).where(rollups.c.months == months)).mappings()
        return {
            (row["geo_id"], row["month"], row["property_type"], row["tag"]): {
                name: row[name] for name in columns
            }
            for row in rows
        }


def assert_rollups_match(engine: Engine) -> None:
    assert stored(engine) == expected(engine)
    snapshot = stored(engine, 12)
    assert snapshot, "the current 12-month snapshot is kept"
    (end,) = {month for _geo, month, _type, _tag in snapshot}
    start = date(end.year - (end.month < 12), (end.month % 12) + 1, 1)
    assert snapshot == expected(engine, (start, end))


def test_rollups_equal_the_raw_permits_after_syncs_and_resyncs(engine: Engine) -> None:
    for slug in DATASETS:
        summary = ingest(engine, catalog_entry(slug, page_size=40))
        assert summary.status == "succeeded", summary.error
    assert_rollups_match(engine)
    with engine.connect() as conn:
        held = conn.execute(sa.select(sa.func.count()).select_from(rollups)).scalar()
        kinds = set(conn.execute(sa.select(places.c.type).distinct()).scalars())
    assert kinds == set(geo_ids.GEO_TYPES)

    again = ingest(engine, catalog_entry(DATASETS[0], page_size=40), full=True)
    assert (again.status, again.inserted, again.updated) == ("succeeded", 0, 0)
    assert_rollups_match(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(rollups)).scalar() == held


def test_a_permit_moved_to_another_month_leaves_its_old_month(engine: Engine) -> None:
    ingest(engine, catalog_entry(DATASETS[0], page_size=40))
    (moved,) = [r for r in _records(engine) if r.issued_date and r.applied_date][:1]
    later = datetime.now(UTC)
    new_date = date(moved.issued_date.year - 3, 2, 10)  # type: ignore[union-attr]
    changed = replace(
        moved,
        issued_date=new_date,
        content_hash=hashlib.sha256(moved.content_hash.encode()).hexdigest(),
    )
    with engine.begin() as conn:
        upsert_permits(conn, [changed], now=later)
        refreshed = place_metrics.refresh(conn, moved.dataset, now=later)
    assert set(refreshed.months) == {
        new_date.replace(day=1),
        moved.issued_date.replace(day=1),  # type: ignore[union-attr]
    }
    assert_rollups_match(engine)


def test_a_permit_moved_to_another_place_leaves_its_old_place(engine: Engine) -> None:
    ingest(engine, catalog_entry(DATASETS[0], page_size=40))
    ingest(engine, catalog_entry(DATASETS[1], page_size=40))
    moved = next(r for r in _records(engine) if r.zip and r.dataset == DATASETS[0])
    later = datetime.now(UTC)
    changed = replace(
        moved,
        zip="78702" if moved.zip != "78702" else "78701",
        content_hash=hashlib.sha256(moved.content_hash.encode()).hexdigest(),
    )
    with engine.begin() as conn:
        upsert_permits(conn, [changed], now=later)
        place_metrics.refresh(conn, moved.dataset, now=later)
    assert_rollups_match(engine)


@pytest.mark.parametrize("twice", [False, True])
def test_a_refresh_with_nothing_new_changes_nothing(engine: Engine, twice: bool) -> None:
    ingest(engine, catalog_entry(DATASETS[0], page_size=40))
    before = stored(engine)
    with engine.begin() as conn:
        for _ in range(1 + twice):
            refreshed = place_metrics.refresh(conn, DATASETS[0], now=datetime.now(UTC))
            assert refreshed.months == ()
    assert stored(engine) == before
