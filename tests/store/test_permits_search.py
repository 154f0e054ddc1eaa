"""search_permits and count_permits: each filter, full text on both engines, the count cap."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.permits import PermitQuery, count_permits, search_permits, upsert_permits

MakeRecord = Callable[..., PermitRecord]
NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def corpus(
    engine: Engine,
    austin: CatalogEntry,
    register_dataset: Callable[..., CatalogEntry],
    make_record: MakeRecord,
) -> None:
    """A handful of permits that differ in one thing each (source_record_id = its name)."""
    chicago = register_dataset("chicago-il", "building-permits")
    records = [
        make_record(source_record_id="solar"),
        make_record(
            source_record_id="roof",
            description="Tear off and reroof single family dwelling",
            tags=["roofing"],
            category="roofing",
            status="finaled",
            status_phase="closed",
            applied_date=date(2025, 11, 3),
            issued_date=date(2025, 11, 20),
            finaled_date=date(2026, 1, 9),
            valuation=Decimal("14999.99"),
            contractor_name="Capital City Roofing Co",
            permit_type="Building Permit",
        ),
        make_record(
            source_record_id="pool",
            description="New in-ground swimming pool and spa",
            tags=["pool", "electrical"],
            category="pool",
            issued_date=None,
            status="in_review",
            valuation=None,
            contractor_name=None,
            zip="78704",
        ),
        make_record(
            source_record_id="co",
            record_class="certificate_of_occupancy",
            description="Certificate of occupancy for new duplex",
            tags=[],
            category=None,
        ),
        make_record(
            jurisdiction="chicago-il",
            dataset=chicago.slug,
            source_record_id="chicago",
            description="Solar panel installation on garage roof",
            tags=["solar", "garage"],
            address="2100 N CLARK ST",
            city="CHICAGO",
            state="IL",
            zip="60614",
            valuation=Decimal("41000.00"),
            contractor_name="Windy City SOLAR Inc",
        ),
    ]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)


def found(engine: Engine, **filters: object) -> set[str]:
    with engine.connect() as conn:
        records, _ = search_permits(conn, PermitQuery(**filters))  # type: ignore[arg-type]
    return {r.source_record_id for r in records}


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"solar", "roof", "pool", "chicago"}),
        ({"record_class": ()}, {"solar", "roof", "pool", "chicago", "co"}),
        ({"record_class": ("certificate_of_occupancy",)}, {"co"}),
        ({"state": "IL"}, {"chicago"}),
        ({"state": "tx"}, {"solar", "roof", "pool"}),
        ({"city": ("chicago",)}, {"chicago"}),
        ({"city": (" Chicago ", "nowhere")}, {"chicago"}),
        ({"zip": ("78704",)}, {"pool"}),
        ({"zip": ("78704", "60614")}, {"pool", "chicago"}),
        ({"jurisdiction": ("chicago-il",)}, {"chicago"}),
        ({"status": ("finaled", "in_review")}, {"roof", "pool"}),
        ({"status_phase": ("closed",)}, {"roof"}),
        ({"tags": ("solar",)}, {"solar", "chicago"}),
        ({"tags": ("solar", "garage")}, {"chicago"}),
        ({"tags": ("electrical",), "exclude_tags": ("battery",)}, {"pool"}),
        ({"exclude_tags": ("solar", "pool")}, {"roof"}),
        ({"category": ("roofing", "pool")}, {"roof", "pool"}),
        ({"property_class": ("commercial",)}, set()),
        ({"permit_type": "building PERMIT"}, {"roof"}),
        ({"filed_from": date(2025, 11, 3), "filed_to": date(2025, 11, 3)}, {"roof"}),
        ({"issued_from": date(2026, 1, 1)}, {"solar", "chicago"}),
        ({"issued_to": date(2025, 12, 31)}, {"roof"}),
        ({"finaled_from": date(2026, 1, 9), "finaled_to": date(2026, 1, 9)}, {"roof"}),
        ({"min_valuation": Decimal("28500.00")}, {"solar", "chicago"}),
        ({"max_valuation": Decimal("28500")}, {"solar", "roof"}),
        ({"contractor": "solar"}, {"solar", "chicago"}),
        ({"contractor": "roofing co"}, {"roof"}),
        ({"contractor": "%"}, set()),
        ({"permit_number": "roof"}, set()),
        ({"parcel_id": "0206011001", "zip": ("60614",)}, {"chicago"}),
        ({"address_key": "tx-78701-1100-congress-ave", "tags": ("pool",)}, {"pool"}),
    ],
)
def test_filters(engine: Engine, filters: dict[str, object], expected: set[str]) -> None:
    assert found(engine, **filters) == expected


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("solar", {"solar", "chicago"}),
        ("solar garage", {"chicago"}),  # every word must match
        ("panels", {"chicago"}),  # stemmed on both engines
        ("swimming POOL", {"pool"}),
        ("capital city roofing", {"roof"}),  # contractor name
        ("congress", {"solar", "roof", "pool"}),  # address
        ("reroof OR pool", {"roof", "pool"}),
        ('"panel installation" -garage', set()),
        ('-solar -"certificate of occupancy"', {"roof", "pool"}),
        ("in-ground", {"pool"}),
        ("   ", {"solar", "roof", "pool", "chicago"}),  # blank: no text filter
        ("zeppelin", set()),
    ],
)
def test_full_text(engine: Engine, q: str, expected: set[str]) -> None:
    assert found(engine, q=q) == expected


def test_full_text_follows_updates(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    with engine.begin() as conn:
        upsert_permits(conn, [make_record(source_record_id="A", description="fence")], now=NOW)
        upsert_permits(conn, [make_record(source_record_id="A", description="deck")], now=NOW)
    assert found(engine, q="fence") == set()
    assert found(engine, q="deck") == {"A"}


def test_updated_since(engine: Engine, austin: CatalogEntry, make_record: MakeRecord) -> None:
    with engine.begin() as conn:
        upsert_permits(conn, [make_record(source_record_id="old")], now=NOW)
        upsert_permits(conn, [make_record(source_record_id="new")], now=NOW + timedelta(hours=1))
    assert found(engine, updated_since=NOW + timedelta(hours=1)) == {"new"}
    assert found(engine, updated_since=NOW) == {"old", "new"}


def test_count_is_exact_up_to_the_cap(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    with engine.begin() as conn:
        upsert_permits(conn, [make_record() for _ in range(12)], now=NOW)
        query = PermitQuery()
        assert count_permits(conn, query) == (12, True)
        assert count_permits(conn, query, cap=12) == (12, True)
        assert count_permits(conn, query, cap=11) == (11, False)
        assert count_permits(conn, query, cap=5) == (5, False)
        assert count_permits(conn, PermitQuery(state="IL")) == (0, True)


@pytest.mark.usefixtures("corpus")
def test_a_page_without_raw_is_the_same_page_less_raw_and_hash(engine: Engine) -> None:
    query = PermitQuery(record_class=(), limit=2)
    with engine.connect() as conn:
        full, full_next = search_permits(conn, query)
        lean, lean_next = search_permits(conn, query, with_raw=False)
    assert full_next == lean_next
    assert all(record.raw and record.content_hash for record in full)
    assert lean == [dataclasses.replace(r, raw={}, content_hash="") for r in full]
