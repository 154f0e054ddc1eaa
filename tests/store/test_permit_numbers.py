"""Permit number keys and shapes in the store: kept by upsert, backfilled by the migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.migrate import downgrade, upgrade
from permitdb.store.permit_numbers import (
    Jurisdiction,
    best_by_key,
    jurisdictions_holding,
    jurisdictions_using_shape,
)
from permitdb.store.permits import upsert_permits
from permitdb.store.tables import DERIVED_COLUMNS, permits

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
MakeRecord = Callable[..., PermitRecord]
AUSTIN = Jurisdiction("austin-tx", "Austin")
CHICAGO_DATASET = "chicago-il/building-permits"


def derived(engine: Engine) -> list[tuple[str | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(permits.c.permit_number_key, permits.c.permit_number_shape).order_by(
                permits.c.seq
            )
        )
        return [tuple(row) for row in rows]


def test_upsert_keeps_key_and_shape_in_step_with_the_number(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    first = make_record(permit_number=" BLD2024-00123 ")
    unnumbered = make_record(permit_number=None)
    with engine.begin() as conn:
        upsert_permits(conn, [first, unnumbered], now=NOW)
    assert derived(engine) == [("bld2024-00123", "A{3}9{4}-9{5}"), (None, None)]
    renumbered = make_record(source_record_id=first.source_record_id, permit_number="77-1")
    with engine.begin() as conn:
        upsert_permits(conn, [renumbered], now=NOW)
    assert derived(engine)[0] == ("77-1", "9{2}-9{1}")
    with engine.connect() as conn:
        assert jurisdictions_holding(conn, "bld2024-00123") == []
        assert jurisdictions_using_shape(conn, "A{3}9{4}-9{5}") == []
        assert jurisdictions_using_shape(conn, "9{2}-9{1}") == [AUSTIN]


def test_lookups_by_key_and_shape(
    engine: Engine,
    register_dataset: Callable[..., CatalogEntry],
    austin: CatalogEntry,
    make_record: MakeRecord,
) -> None:
    register_dataset("chicago-il", "building-permits")
    austin_permit = make_record(permit_number="BLD2024-00123")
    austin_certificate = make_record(
        permit_number="bld2024-00123", record_class="certificate_of_occupancy"
    )
    chicago = make_record(
        jurisdiction="chicago-il", dataset=CHICAGO_DATASET, permit_number="BLD2024-00123"
    )
    with engine.begin() as conn:
        upsert_permits(conn, [austin_certificate, austin_permit, chicago], now=NOW)
        assert jurisdictions_holding(conn, "bld2024-00123") == [
            AUSTIN,
            Jurisdiction("chicago-il", "Chicago"),
        ]
        assert jurisdictions_using_shape(conn, "A{3}9{4}-9{5}") == [
            AUSTIN,
            Jurisdiction("chicago-il", "Chicago"),
        ]
        best = best_by_key(conn, "bld2024-00123", "austin-tx")
        assert best is not None
        assert best.id == austin_permit.id
        assert best_by_key(conn, "bld2024-00123", "denver-co") is None


def test_migration_backfills_existing_permits(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    downgrade(engine, "2026_11_23_0003")
    record = make_record(permit_number="2026-000001  EP")
    # the table as it was at that revision: typed columns, without the later ones
    columns = [
        c._copy() for c in permits.c if c.name not in {"seq", "contractor_id", *DERIVED_COLUMNS}
    ]
    before = sa.Table("permits", sa.MetaData(), *columns)
    row = {c.name: getattr(record, c.name) for c in columns}
    row |= {"first_seen_at": NOW, "updated_at": NOW}
    with engine.begin() as conn:
        conn.execute(sa.insert(before), [row])
    upgrade(engine)
    assert derived(engine) == [("2026-000001 ep", "9{4}-9{6} A{2}")]
