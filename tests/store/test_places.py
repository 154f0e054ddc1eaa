"""Browse-list counts and the data version the API caches them under."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.permits import upsert_permits
from permitdb.store.places import (
    Scope,
    data_version,
    group_counts,
    jurisdictions_by_state,
    stored_jurisdictions,
    tag_counts,
    value_counts,
)

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def test_data_version_moves_with_every_change(
    engine: Engine, austin: CatalogEntry, make_record: Callable[..., PermitRecord]
) -> None:
    record = make_record()
    with engine.begin() as conn:
        empty = data_version(conn)
        upsert_permits(conn, [record], now=NOW)
        inserted = data_version(conn)
        upsert_permits(conn, [record], now=NOW + timedelta(hours=1))  # unchanged: not rewritten
        unchanged = data_version(conn)
        changed = replace(record, status="finaled", content_hash="changed")
        upsert_permits(conn, [changed], now=NOW + timedelta(hours=2))
        updated = data_version(conn)
    assert len({empty, inserted, updated}) == 3
    assert unchanged == inserted


def test_counts_within_a_scope(
    engine: Engine,
    austin: CatalogEntry,
    register_dataset: Callable[..., CatalogEntry],
    make_record: Callable[..., PermitRecord],
) -> None:
    chicago = register_dataset("chicago-il", "building-permits")
    records = [
        make_record(city="AUSTIN", tags=["solar"]),
        make_record(city="AUSTIN", tags=["solar", "roofing"]),
        make_record(city="PFLUGERVILLE", tags=[]),
        make_record(
            dataset=chicago.slug,
            jurisdiction="chicago-il",
            city="CHICAGO",
            state="IL",
            tags=["pool"],
        ),
        make_record(city=None),
    ]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
        texas = sorted(group_counts(conn, ["state", "city"], Scope(state="TX")))
        everywhere = value_counts(conn, "state")
        austin_tags = dict(tag_counts(conn, Scope(jurisdiction="austin-tx")))
        all_tags = dict(tag_counts(conn))
        by_state = jurisdictions_by_state(conn)
        slugs = stored_jurisdictions(conn)
    assert texas == [("TX", "AUSTIN", 2), ("TX", "PFLUGERVILLE", 1)]
    assert everywhere == {"TX": 4, "IL": 1}
    assert austin_tags == {"solar": 3, "roofing": 1, "battery": 1, "electrical": 1}
    assert all_tags == {**austin_tags, "pool": 1}
    assert by_state == {"TX": 1, "IL": 1}
    assert slugs == ["austin-tx", "chicago-il"]
