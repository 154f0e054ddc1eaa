"""quality_report on both engines: counts, fill rates, distributions, flags, unmapped values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.permits import upsert_permits
from permitdb.store.quality import GroupBy, GroupQuality, quality_report

MakeRecord = Callable[..., PermitRecord]
NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
AUSTIN = "austin-tx/issued-construction-permits"
CHICAGO = "chicago-il/building-permits"


@pytest.fixture
def stored(
    engine: Engine,
    austin: CatalogEntry,
    register_dataset: Callable[..., CatalogEntry],
    make_record: MakeRecord,
) -> None:
    """Four Austin records (one of each problem) and one Chicago record."""
    register_dataset("chicago-il", "building-permits")
    unmapped = {"status": "unknown", "status_phase": "unknown"}
    untagged = {"tags": [], "category": None}
    records = [
        make_record(),  # the solar permit: everything mapped, no flags
        make_record(
            status_raw="Pending Whatever",
            **unmapped,
            quality_flags=["valuation_missing", "geo_missing"],
            valuation=None,
            latitude=None,
            longitude=None,
        ),
        make_record(
            status_raw="Pending Whatever",
            **unmapped,
            **untagged,
            permit_type="Misc Permit",
            permit_class="Zzz",
            property_class="unknown",
            quality_flags=["geo_missing"],
        ),
        make_record(status_raw="  ", **unmapped, **untagged, permit_type="Misc Permit"),
        make_record(
            jurisdiction="chicago-il",
            dataset=CHICAGO,
            status_raw="Open?",
            **unmapped,
            state="IL",
        ),
    ]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)


def report(
    engine: Engine, *selectors: str, by: GroupBy = "dataset", top: int = 20
) -> dict[str, GroupQuality]:
    with engine.connect() as conn:
        return {g.key: g for g in quality_report(conn, selectors, by=by, top=top)}


@pytest.mark.usefixtures("stored")
def test_counts_and_distributions_per_dataset(engine: Engine) -> None:
    groups = report(engine)
    assert list(groups) == [AUSTIN, CHICAGO]
    austin = groups[AUSTIN]
    assert austin.records == 4
    assert austin.status == {"issued": 1, "unknown": 3}
    assert austin.tags == {"solar": 2, "battery": 2, "electrical": 2}
    assert austin.category == {"solar": 2, "(none)": 2}
    assert austin.property_class == {"residential": 3, "unknown": 1}
    assert austin.quality_flags == {"valuation_missing": 1, "geo_missing": 2}
    assert groups[CHICAGO].records == 1


@pytest.mark.usefixtures("stored")
def test_fill_rates_count_non_empty_values(engine: Engine) -> None:
    austin = report(engine, AUSTIN)[AUSTIN]
    assert austin.filled["permit_number"] == 4
    assert austin.filled["valuation"] == 3  # one null
    assert austin.filled["latitude"] == 3
    assert austin.filled["status_raw"] == 3  # blank text is not a value
    assert austin.filled["tags"] == 2  # an empty JSON list is not a value
    assert austin.filled["quality_flags"] == 2
    assert austin.filled["owner_name"] == 0
    assert austin.fill_rate("valuation") == 0.75
    assert set(austin.filled) >= {"id", "raw", "content_hash", "parcel_id"}


@pytest.mark.usefixtures("stored")
def test_unmapped_raw_values_most_frequent_first(engine: Engine) -> None:
    austin = report(engine)[AUSTIN]
    # "Active" maps (status issued); blank status_raw is no raw value to map
    assert austin.unmapped["status_raw"] == [("Pending Whatever", 2)]
    assert austin.unmapped["permit_type"] == [("Misc Permit", 2)]
    assert austin.unmapped["permit_class"] == [("Zzz", 1)]


@pytest.mark.usefixtures("stored")
def test_top_caps_each_list(engine: Engine, make_record: MakeRecord) -> None:
    unmapped = {"status": "unknown", "status_phase": "unknown"}
    more = [make_record(status_raw=f"Odd {n}", **unmapped) for n in range(3)]
    with engine.begin() as conn:
        upsert_permits(conn, more, now=NOW)
    statuses = report(engine, AUSTIN, top=2)[AUSTIN].unmapped["status_raw"]
    assert statuses == [("Pending Whatever", 2), ("Odd 0", 1)]  # ties: by value


@pytest.mark.usefixtures("stored")
def test_selectors_and_grouping_by_jurisdiction(engine: Engine) -> None:
    assert list(report(engine, "chicago-il")) == [CHICAGO]
    assert list(report(engine, "chicago-il/")) == [CHICAGO]
    assert report(engine, "nowhere-zz") == {}
    by_jurisdiction = report(engine, by="jurisdiction")
    assert list(by_jurisdiction) == ["austin-tx", "chicago-il"]
    assert by_jurisdiction["austin-tx"].records == 4
    assert by_jurisdiction["chicago-il"].unmapped["status_raw"] == [("Open?", 1)]


def test_empty_database_reports_nothing(engine: Engine) -> None:
    assert report(engine) == {}
