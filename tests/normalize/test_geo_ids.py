"""Geo ids: built from stored columns, URL-safe, parsed back to their type and value."""

from __future__ import annotations

import re

import pytest

from permitdb.normalize import geo_ids

URL_SAFE = re.compile(r"[a-z0-9-]+")


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (geo_ids.state_id("CA"), "state-ca"),
        (geo_ids.county_id("06037"), "county-06037"),
        (geo_ids.city_id("LOS ANGELES", "CA"), "city-ca-los-angeles"),
        (geo_ids.city_id("St. Louis", "mo"), "city-mo-st-louis"),
        (geo_ids.zip_id("90012"), "zip-90012"),
        (geo_ids.jurisdiction_id("los-angeles-ca"), "jurisdiction-los-angeles-ca"),
    ],
)
def test_ids_read_as_the_place_they_name(built: str | None, expected: str) -> None:
    assert built == expected


@pytest.mark.parametrize(
    "built",
    [
        geo_ids.state_id("California"),
        geo_ids.state_id(None),
        geo_ids.county_id("6037"),
        geo_ids.city_id("Austin", None),
        geo_ids.city_id("--", "TX"),
        geo_ids.zip_id("9001"),
        geo_ids.zip_id("ABCDE"),
        geo_ids.jurisdiction_id(""),
        geo_ids.address_id(None),
    ],
)
def test_a_column_that_names_no_place_gives_no_id(built: str | None) -> None:
    assert built is None


def test_an_address_id_is_a_stable_digest_of_its_key() -> None:
    key = "812 SAN ANTONIO ST|78701|TX"
    built = geo_ids.address_id(key)
    assert built == geo_ids.address_id(key)
    assert built != geo_ids.address_id("814 SAN ANTONIO ST|78701|TX")
    assert built is not None
    assert re.fullmatch(r"address-[0-9a-f]{16}", built)


def test_every_id_of_a_permit_is_url_safe_and_parses_back() -> None:
    ids = geo_ids.geo_ids(
        address_key="812 SAN ANTONIO ST|78701|TX",
        city="Austin",
        county_fips="48453",
        jurisdiction="austin-tx",
        state="TX",
        zip_code="78701",
    )
    assert set(ids) == set(geo_ids.GEO_TYPES)
    for geo_type, geo_id in ids.items():
        assert geo_id is not None
        assert URL_SAFE.fullmatch(geo_id)
        parsed = geo_ids.parse(geo_id.upper())
        assert parsed is not None
        assert parsed.type == geo_type
    assert geo_ids.parse(ids["city"] or "") == geo_ids.GeoId("city", "austin", "TX")
    assert geo_ids.parse(ids["state"] or "") == geo_ids.GeoId("state", "TX", "TX")
    assert geo_ids.parse(ids["county"] or "") == geo_ids.GeoId("county", "48453")


@pytest.mark.parametrize(
    "text", ["", "austin", "state-", "state-cal", "zip-1234", "city-tx", "address-xyz", "planet-3"]
)
def test_anything_else_does_not_parse(text: str) -> None:
    assert geo_ids.parse(text) is None


def test_long_city_names_stay_within_the_id_length() -> None:
    built = geo_ids.city_id("A " * 200, "TX")
    assert built is not None
    assert len(built) <= geo_ids.MAX_LENGTH
    assert geo_ids.parse(built) is not None


def test_names_come_from_the_census_tables() -> None:
    assert geo_ids.county_name("06037") == "Los Angeles County"
    assert geo_ids.state_name("tx") == "Texas"
    assert geo_ids.address_name("812 SAN ANTONIO ST", "AUSTIN", "TX", "78701") == (
        "812 SAN ANTONIO ST, AUSTIN, TX 78701"
    )
