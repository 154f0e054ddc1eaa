"""/v1/places: search, details with hierarchy, a place's permits and metrics, over rollups the
ingest refresh keeps (both engines)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from permitdb.api.schemas.permits import PermitPage
from permitdb.api.schemas.places import PlaceDetails, PlaceMetrics, PlaceSearch
from permitdb.normalize import geo_ids
from permitdb.store import place_metrics
from permitdb.store.tables import permits
from permitdb.store.tables import place_metrics as rollups

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]
BROOKLYN = "city-ny-brooklyn"
SYNCED = datetime(2025, 3, 20, tzinfo=UTC)  # the snapshot: April 2024 to March 2025

# Brooklyn spans two ZIP codes; one address has two permits; one permit is in Queens.
SEEDS: list[dict[str, Any]] = [
    {"address": "100 MAIN ST", "address_key": "100 MAIN ST|11201|NY", "city": "BROOKLYN",
     "zip": "11201", "county_fips": "36047", "state": "NY", "tags": ["solar"],
     "applied_date": date(2025, 1, 2), "issued_date": date(2025, 1, 12), "contractor_id": "c1"},
    {"address": "100 MAIN ST", "address_key": "100 MAIN ST|11201|NY", "city": "BROOKLYN",
     "zip": "11201", "county_fips": "36047", "state": "NY", "tags": ["roofing"],
     "applied_date": date(2025, 1, 5), "issued_date": date(2025, 1, 25), "contractor_id": "c2"},
    {"address": "7 OCEAN AVE", "address_key": "7 OCEAN AVE|11211|NY", "city": "BROOKLYN",
     "zip": "11211", "county_fips": "36047", "state": "NY", "tags": ["solar"],
     "applied_date": date(2025, 2, 1), "issued_date": date(2025, 3, 3), "contractor_id": "c1"},
    {"address": "1 QUEENS BLVD", "address_key": "1 QUEENS BLVD|11101|NY", "city": "QUEENS",
     "zip": "11101", "county_fips": "36081", "state": "NY", "tags": ["pool"],
     "applied_date": date(2024, 6, 1), "issued_date": date(2024, 6, 30)},
]  # fmt: skip


@pytest.fixture
def places_key(make_key: Callable[..., str]) -> dict[str, str]:
    return {"X-API-Key": make_key(scopes=("places:read",))}


@pytest.fixture
def seeded(engine: Engine, store: Store) -> list[Any]:
    records = store(*SEEDS)
    with engine.begin() as conn:
        # contractor_id is the contractor resolver's stamp, never a record's own field
        for record, seed in zip(records, SEEDS, strict=True):
            conn.execute(
                sa.update(permits)
                .where(permits.c.id == record.id)
                .values(contractor_id=seed.get("contractor_id"))
            )
        place_metrics.refresh(conn, "testville-ny/building-permits", now=SYNCED)
    return records


def test_search_finds_cities_and_addresses_in_usps_notation(
    client: TestClient, places_key: dict[str, str], seeded: list[Any]
) -> None:
    body = client.get("/v1/places/search", params={"q": "brook"}, headers=places_key).json()
    PlaceSearch.model_validate(body)
    assert body["data"][0]["geo_id"] == BROOKLYN
    assert body["data"][0]["permit_count"] == 3

    asked = {"q": "100 Main Street", "type": "address"}
    found = client.get("/v1/places/search", params=asked, headers=places_key).json()["data"]
    assert [p["name"] for p in found] == ["100 MAIN ST, BROOKLYN, NY 11201"]
    assert found[0]["geo_id"] == geo_ids.address_id("100 MAIN ST|11201|NY")
    assert found[0]["permit_count"] == 2

    states = client.get("/v1/places/search", params={"q": "ny"}, headers=places_key).json()
    assert states["data"][0] == {
        "geo_id": "state-ny", "type": "state", "name": "New York", "state": "NY",
        "permit_count": 4,
    }  # fmt: skip


def test_a_search_that_finds_nothing_is_a_404_naming_the_nearest(
    client: TestClient, places_key: dict[str, str], seeded: list[Any], check_error: CheckError
) -> None:
    response = client.get("/v1/places/search", params={"q": "Brooklyb"}, headers=places_key)
    error = check_error(response, 404, "place_not_found")
    assert "Brooklyn" in error["details"][0]["nearest"]
    assert "Brooklyn" in error["message"]
    typed = {"q": "brook", "type": "zip"}
    check_error(
        client.get("/v1/places/search", params=typed, headers=places_key), 404, "place_not_found"
    )


def test_a_city_lists_its_counties_zips_jurisdiction_and_state(
    client: TestClient, places_key: dict[str, str], seeded: list[Any]
) -> None:
    body = client.get(f"/v1/places/{BROOKLYN}", headers=places_key).json()
    PlaceDetails.model_validate(body)
    assert (body["name"], body["type"], body["state"]) == ("Brooklyn", "city", "NY")
    assert [z["geo_id"] for z in body["zips"]] == ["zip-11201", "zip-11211"]
    assert body["counties"] == [{"geo_id": "county-36047", "name": geo_ids.county_name("36047")}]
    assert [j["geo_id"] for j in body["jurisdictions"]] == ["jurisdiction-testville-ny"]
    assert body["states"] == [{"geo_id": "state-ny", "name": "New York"}]
    assert body["cities"] == []

    county = client.get("/v1/places/county-36047", headers=places_key).json()
    assert [c["geo_id"] for c in county["cities"]] == [BROOKLYN]
    state = client.get("/v1/places/STATE-NY", headers=places_key).json()
    assert [c["geo_id"] for c in state["cities"]] == [BROOKLYN, "city-ny-queens"]

    address = geo_ids.address_id("7 OCEAN AVE|11211|NY")
    held = client.get(f"/v1/places/{address}", headers=places_key).json()
    assert [p["geo_id"] for p in held["zips"] + held["cities"]] == ["zip-11211", BROOKLYN]


def test_a_place_pages_through_exactly_its_permits_each_carrying_its_geo_id(
    client: TestClient, places_key: dict[str, str], seeded: list[Any]
) -> None:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"/v1/places/{BROOKLYN}/permits", params=params, headers=places_key)
        assert response.status_code == 200, response.text
        body = response.json()
        PermitPage.model_validate(body)
        seen += body["data"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    expected = {r.id for r in seeded if r.city == "BROOKLYN"}
    assert {p["id"] for p in seen} == expected
    assert len(seen) == len(expected)
    assert all(p["geo_ids"]["city_id"] == BROOKLYN for p in seen)
    assert {p["geo_ids"]["zip_id"] for p in seen} == {"zip-11201", "zip-11211"}


def test_metrics_are_the_rollup_rows_with_the_current_snapshot(
    client: TestClient, places_key: dict[str, str], engine: Engine, seeded: list[Any]
) -> None:
    body = client.get(f"/v1/places/{BROOKLYN}/metrics", headers=places_key).json()
    PlaceMetrics.model_validate(body)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.select(rollups.c.month, rollups.c.permit_count)
            .where(rollups.c.geo_id == BROOKLYN, rollups.c.months == 1)
            .where(rollups.c.property_type == "all", rollups.c.tag == "all")
            .order_by(rollups.c.month)
        ).all()
    assert [(r["month"], r["permit_count"]) for r in body["data"]] == [
        (m.isoformat(), n) for m, n in stored
    ]
    january = body["data"][0]
    assert (january["permit_count"], january["active_contractors"]) == (2, 2)
    assert january["median_approval_days"] == 15.0  # 10 and 20 days
    assert body["current"]["month"] == "2025-03-01"
    assert body["current"]["from_month"] == "2024-04-01"
    assert body["current"]["permit_count"] == 3
    assert body["current"]["active_contractors"] == 2

    solar = {"tag": "solar", "from": "2025-02-15", "to": "2025-12-31"}
    narrowed = client.get(f"/v1/places/{BROOKLYN}/metrics", params=solar, headers=places_key)
    assert [r["month"] for r in narrowed.json()["data"]] == ["2025-03-01"]


def test_place_errors_are_enveloped(
    client: TestClient,
    places_key: dict[str, str],
    auth: dict[str, str],
    seeded: list[Any],
    check_error: CheckError,
) -> None:
    for path in ("", "/permits", "/metrics"):
        response = client.get(f"/v1/places/city-ny-atlantis{path}", headers=places_key)
        check_error(response, 404, "place_not_found")
    backwards = {"from": "2025-06-01", "to": "2025-01-01"}
    response = client.get(f"/v1/places/{BROOKLYN}/metrics", params=backwards, headers=places_key)
    assert check_error(response, 422, "invalid_parameter")["details"][0]["type"] == "range_order"
    check_error(client.get(f"/v1/places/{BROOKLYN}", headers=auth), 403, "insufficient_scope")
