"""Assessor rolls and tax-lot files -> canonical parcels, from the bundled recordings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from permitdb.canonical import ParcelRecord
from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import RecordRejected
from permitdb.normalize.parcels import normalize_parcel, property_type
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import read_recording

FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def entry(slug: str) -> CatalogEntry:
    (found,) = select_entries(load_catalog(), [slug])
    return found


def parcels(slug: str) -> dict[str, ParcelRecord]:
    """parcel_id -> parcel, for every row of the entry's recording."""
    found = entry(slug)
    rows = read_recording(found, default_recordings_dir())
    records = [normalize_parcel(found, raw, fetched_at=FETCHED) for raw in rows]
    return {r.parcel_id or "": r for r in records}


def test_every_parcel_entry_normalizes_every_recorded_row() -> None:
    slugs = [e.slug for e in load_catalog() if e.kind == "parcels"]
    assert len(slugs) >= 4
    for slug in slugs:
        records = parcels(slug)
        assert records, slug
        assert all(r.parcel_key and r.state for r in records.values()), slug
        assert any(r.property_type != "unknown" for r in records.values()), slug


def test_pluto_lot_keeps_its_land_use_owner_and_building() -> None:
    lot = parcels("new-york-city-ny/pluto-tax-lots")["2054800121"]  # 737 Clarence Ave
    assert (lot.land_use_raw, lot.property_type) == ("C0", "multi_family")
    assert lot.property_type_detail == "Walk Up Apartments"
    assert (lot.owner_name, lot.owner_type) == ("STEWART, RAYMOND", "individual")
    assert (lot.address, lot.city, lot.zip, lot.state) == (
        "737 CLARENCE AVE",
        "Bronx",
        "10465",
        "NY",
    )
    assert lot.address_key == "737 CLARENCE AVE|10465|NY"
    assert (lot.year_built, lot.stories, lot.units) == (1986, 3, 3)
    assert (lot.lot_size_sqft, lot.building_area_sqft) == (3250, 3586)
    assert lot.assessed_value == Decimal("82920")
    assert lot.county_fips == "36005"  # the Bronx, from the ZIP


def test_dof_roll_reads_market_value_and_owner_type_of_a_public_body() -> None:
    rows = parcels("new-york-city-ny/dof-property-valuation")
    liberty = rows["1000010101"]
    assert (liberty.roll_year, liberty.market_value) == (2024, Decimal("30489000"))
    assert liberty.owner_type == "government"
    assert liberty.property_type == "institutional"
    # YRBUILT 0 is the roll's "unknown", not the year 0
    assert rows["1000010111"].year_built is None


def test_cook_rows_decode_their_codes_and_sum_land_and_building_values() -> None:
    chars = parcels("cook-county-il/residential-characteristics")["14321260280000"]
    assert (chars.roll_year, chars.land_use_raw, chars.property_type) == (
        2021,
        "206",
        "single_family",
    )
    assert chars.year_built == 1880
    assert (chars.stories, chars.bedrooms) == (3, 4)  # char_type_resd 3 = "3 Story +"
    assert chars.owner_type == "unknown"  # the roll names no owner
    assessed = parcels("cook-county-il/residential-assessments")["09254040180000"]
    assert assessed.land_use_raw == "203"  # "203.0" as R wrote it
    assert assessed.market_value == assessed.land_value + assessed.improvement_value  # type: ignore[operator]
    assert assessed.parcel_key == "09254040180000"


def test_a_class_code_falls_back_to_its_category() -> None:
    pluto = entry("new-york-city-ny/pluto-tax-lots")
    assert property_type(pluto, "A5") == "single_family"
    assert property_type(pluto, "Z9") == "unknown"  # miscellaneous: no type
    assert property_type(pluto, None) == "unknown"


def test_the_same_row_hashes_the_same_and_a_changed_value_does_not() -> None:
    pluto = entry("new-york-city-ny/pluto-tax-lots")
    raw = read_recording(pluto, default_recordings_dir())[0]
    first = normalize_parcel(pluto, raw, fetched_at=FETCHED)
    again = normalize_parcel(pluto, dict(raw), fetched_at=datetime(2027, 1, 1, tzinfo=UTC))
    changed = normalize_parcel(pluto, {**raw, "assesstot": "1"}, fetched_at=FETCHED)
    assert (first.id, first.content_hash) == (again.id, again.content_hash)
    assert changed.content_hash != first.content_hash


def test_a_malformed_row_is_rejected_with_a_reason() -> None:
    pluto = entry("new-york-city-ny/pluto-tax-lots")
    raw = read_recording(pluto, default_recordings_dir())[0]
    with pytest.raises(RecordRejected) as rejected:
        normalize_parcel(pluto, {**raw, "numfloors": "two"}, fetched_at=FETCHED)
    assert rejected.value.code == "unparseable_number"
    with pytest.raises(RecordRejected) as missing:
        normalize_parcel(pluto, {**raw, "BBL": ""}, fetched_at=FETCHED)
    assert missing.value.code == "missing_primary_key"
