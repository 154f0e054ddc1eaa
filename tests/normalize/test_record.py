"""End to end: the Austin recording through a real catalog entry, and NYC's shifted rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from normalize_fixtures import AUSTIN, entry_from, load_recording

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import RecordRejected
from permitdb.normalize.record import normalize_record, permit_id, source_record_id

FETCHED = datetime(2026, 9, 26, 12, tzinfo=UTC)


def test_every_austin_row_normalizes(
    austin_entry: CatalogEntry, austin_rows: list[dict[str, Any]]
) -> None:
    records = [normalize_record(austin_entry, row, fetched_at=FETCHED) for row in austin_rows]
    assert len(records) == 17
    for record, row in zip(records, austin_rows, strict=True):
        assert record.status == "issued"
        assert record.status_phase == "open"
        assert record.jurisdiction == "austin-tx"
        assert record.dataset == "austin-tx/issued-construction-permits"
        assert record.source_record_id == row["permit_number"]
        assert record.state == "TX"
        assert record.zip == "78701"
        assert record.city == "Austin"
        assert record.location_source == "source"
        assert record.property_class == "commercial"
        assert record.tags
        assert record.source_url == row["link"]["url"]
        assert record.raw == row
        assert "valuation_missing" in record.quality_flags  # Austin sends no valuation
    first = records[0]
    assert first.issued_date == date(2026, 9, 25)
    assert first.unit == "UNIT 500"
    assert first.address_key == "812 SAN ANTONIO ST|78701|TX"
    assert first.category == "electrical"
    assert first.classification_rules[0] == "status:issued<-rule:'Active'"
    assert first.latitude == pytest.approx(30.271867)


def test_id_is_stable_and_hash_ignores_fetch_time(
    austin_entry: CatalogEntry, austin_rows: list[dict[str, Any]]
) -> None:
    row = austin_rows[3]
    first = normalize_record(austin_entry, row, fetched_at=FETCHED)
    again = normalize_record(austin_entry, dict(row), fetched_at=FETCHED + timedelta(days=3))
    assert first.id == again.id == permit_id(austin_entry.slug, "2026-116820 EP")
    assert len(first.id) == 26
    assert first.content_hash == again.content_hash
    changed = normalize_record(austin_entry, {**row, "status_current": "Final"}, fetched_at=FETCHED)
    assert changed.content_hash != first.content_hash
    assert changed.id == first.id


def test_garbage_date_is_rejected(
    austin_entry: CatalogEntry, austin_rows: list[dict[str, Any]]
) -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_record(austin_entry, {**austin_rows[0], "issue_date": "soon"}, fetched_at=FETCHED)
    assert (caught.value.code, caught.value.field) == ("unparseable_date", "issued_date")


def test_missing_primary_key(austin_entry: CatalogEntry, austin_rows: list[dict[str, Any]]) -> None:
    row = {k: v for k, v in austin_rows[0].items() if k != "permit_number"}
    with pytest.raises(RecordRejected) as caught:
        normalize_record(austin_entry, row, fetched_at=FETCHED)
    assert caught.value.code == "missing_primary_key"


def test_hash_id_without_primary_key(austin_rows: list[dict[str, Any]]) -> None:
    entry = entry_from(AUSTIN, primary_key=None)
    reordered = dict(reversed(list(austin_rows[0].items())))
    assert source_record_id(entry, austin_rows[0]) == source_record_id(entry, reordered)
    assert len(source_record_id(entry, austin_rows[0])) == 64


NYC = {
    **AUSTIN,
    "dataset": "dob-now-approved-permits",
    "name": "DOB NOW Approved Permits",
    "jurisdiction": {
        "slug": "new-york-city-ny",
        "name": "New York City",
        "state": "NY",
        "city": "New York",
        "timezone": "America/New_York",
    },
    "source": {"platform": "socrata", "domain": "data.cityofnewyork.us", "dataset_id": "rbx6-tga4"},
    "primary_key": ["work_permit", "tracking_number"],
    "fields": {
        "permit_number": "work_permit",
        "permit_type": "work_type",
        "description": "job_description",
        "status_raw": "permit_status",
        "applied_date": "approved_date",
        "issued_date": "issued_date",
        "expires_date": "expired_date",
        "valuation": "estimated_job_costs",
        "original_address1": {"source": ["house_no", "street_name"], "join": " "},
        "parcel_id": "bbl",
        "latitude": "latitude",
        "longitude": "longitude",
    },
    "patterns": {"permit_number": r"^[A-Z]\d{8}-"},
}


def test_nyc_shifted_rows_are_rejected_and_good_rows_pass() -> None:
    entry = entry_from(NYC)
    shifted = load_recording("socrata/new-york-city-ny/dob-now-approved-permits-shifted-rows.json")
    for row in shifted:
        with pytest.raises(RecordRejected) as caught:
            normalize_record(entry, row, fetched_at=FETCHED)
        assert (caught.value.code, caught.value.field) == ("pattern_mismatch", "permit_number")
    good = load_recording("socrata/new-york-city-ny/dob-now-approved-permits.json")
    records = [normalize_record(entry, row, fetched_at=FETCHED) for row in good]
    bis = next(r for r in records if r.permit_number == "M01101905-I1-EW-SP")
    assert bis.street_name == "W 38TH ST"
    assert bis.tags == ["fire_protection"]
    assert all(r.status == "issued" for r in records)
    assert all("geo_out_of_jurisdiction" not in r.quality_flags for r in records)


def test_denver_geojson_feature() -> None:
    entry = entry_from(
        AUSTIN,
        dataset="residential-construction-permits",
        jurisdiction={
            "slug": "denver-co",
            "name": "Denver",
            "state": "CO",
            "city": "Denver",
            "timezone": "America/Denver",
        },
        source={
            "platform": "arcgis",
            "layer_url": "https://services1.arcgis.com/x/arcgis/rest/services/p/FeatureServer/0",
        },
        primary_key=["PERMIT_NUM"],
        fields={
            "permit_number": "PERMIT_NUM",
            "applied_date": "DATE_RECEIVED",
            "issued_date": "DATE_ISSUED",
            "finaled_date": "FINAL_DATE",
            "work_class": "CLASS",
            "valuation": "VALUATION",
            "fees": "PERMIT_FEE",
            "original_address1": "ADDRESS",
            "parcel_id": "SCHEDNUM",
            "location": "@geometry",
        },
    )
    features = load_recording("arcgis/denver-co/residential-construction-permits-query.geojson")
    records = [
        normalize_record(entry, {**f["properties"], "@geometry": f["geometry"]}, fetched_at=FETCHED)
        for f in features["features"]
    ]
    first = records[0]
    assert first.issued_date == date(2026, 9, 24)
    assert (first.latitude, first.longitude) == pytest.approx((39.7580346412824, -104.978549184802))
    assert first.status == "issued"  # no status column: the issue date says so
    assert first.classification_rules[0] == "status:issued<-date:issued_date"
    zero = next(r for r in records if r.raw["VALUATION"] == 0)
    assert zero.valuation is None
    assert "valuation_placeholder" in zero.quality_flags
