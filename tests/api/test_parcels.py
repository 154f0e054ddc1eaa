"""``/v1/parcels``: the bundled assessor rolls, ingested through the replay portal, served with
DataJackpot's and Shovels' filters on both engines; owner names only when enabled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.api.conftest import MakeKey, Store
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.catalog.load import load_catalog

ROLLS = sorted(e.slug for e in load_catalog() if e.kind == "parcels")
CheckError = Callable[..., dict[str, Any]]


@pytest.fixture
def rolls(engine: Engine) -> None:
    for slug in ROLLS:
        assert ingest(engine, catalog_entry(slug)).status == "succeeded"


@pytest.fixture
def parcels_auth(make_key: MakeKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(['parcels:read'])}"}


def ids_of(client: TestClient, auth: dict[str, str], **params: Any) -> list[str]:
    response = client.get("/v1/parcels", params={"limit": 1000, **params}, headers=auth)
    assert response.status_code == 200, response.text
    return sorted(p["parcel_id"] for p in response.json()["data"])


@pytest.mark.usefixtures("rolls")
def test_filters_narrow_the_rolls(client: TestClient, parcels_auth: dict[str, str]) -> None:
    every = ids_of(client, parcels_auth)
    assert len(every) == 5 + 5 + 10 + 10  # PLUTO, DOF, the two Cook samples
    bronx = ids_of(client, parcels_auth, state="NY", county_name="Bronx")
    assert bronx == ["2054720027", "2054720109", "2054770015", "2054800111", "2054800121"]
    assert ids_of(client, parcels_auth, situs_city="bronx") == bronx
    assert ids_of(client, parcels_auth, use_code="c0") == ["2054800121"]
    assert ids_of(client, parcels_auth, property_type="multi_family", state="NY") == ["2054800121"]
    assert ids_of(client, parcels_auth, year_built_from=1960, year_built_to=1986, state="NY") == [
        "2054720027",
        "2054800121",
    ]
    rich = ids_of(client, parcels_auth, property_min_market_value=100_000_000)
    assert rich == ["1000010010", "1000010201"]  # Governors Island, Ellis Island
    assert ids_of(client, parcels_auth, assessed_min=80_000, assessed_max=90_000) == ["2054800121"]
    assert ids_of(client, parcels_auth, property_min_unit_count=3, state="NY") == ["2054800121"]
    assert ids_of(client, parcels_auth, property_min_stories=3, state="NY") == [
        "1000010010",
        "1000010111",
        "2054800121",
    ]
    big = ids_of(client, parcels_auth, property_min_building_area=5000, state="IL")
    assert big == ["10253190450000"]  # 6,027 sq ft (characteristics sample)
    assert ids_of(client, parcels_auth, property_min_lot_size=5_000_000) == ["1000010010"]
    assert ids_of(client, parcels_auth, parcel_id="2-05480-0121") == ["2054800121"]


@pytest.mark.usefixtures("rolls")
def test_pages_walk_every_parcel_once(client: TestClient, parcels_auth: dict[str, str]) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7, "state": "IL"} | (
            {"cursor": cursor} if cursor else {}
        )
        body = client.get("/v1/parcels", params=params, headers=parcels_auth).json()
        seen += [p["id"] for p in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 20
    other = client.get(
        "/v1/parcels",
        params={"state": "NY", "cursor": body_cursor(client, parcels_auth)},
        headers=parcels_auth,
    )
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "invalid_cursor"


def body_cursor(client: TestClient, auth: dict[str, str]) -> str:
    body = client.get("/v1/parcels", params={"limit": 1, "state": "IL"}, headers=auth).json()
    cursor: str = body["next_cursor"]
    return cursor


@pytest.mark.usefixtures("rolls")
def test_owner_names_are_withheld_without_the_people_scope(
    client: TestClient, parcels_auth: dict[str, str], make_key: MakeKey
) -> None:
    body = client.get("/v1/parcels", params={"state": "NY"}, headers=parcels_auth).json()
    assert body["owner_names"] == "withheld"
    assert {p["owner_name"] for p in body["data"]} == {None}
    assert {p["owner_type"] for p in body["data"]} >= {"individual", "government", "company"}
    refused = client.get("/v1/parcels", params={"owner": "govt"}, headers=parcels_auth)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "insufficient_scope")

    people = {"Authorization": f"Bearer {make_key(['parcels:read', 'people:read'])}"}
    found = client.get("/v1/parcels", params={"owner": "govt"}, headers=people).json()
    assert found["owner_names"] == "served"
    assert sorted(p["owner_name"] for p in found["data"]) == ["U S GOVT LAND & BLDGS"] * 2


@pytest.mark.usefixtures("rolls")
def test_one_parcel_and_the_permits_on_it(
    client: TestClient, parcels_auth: dict[str, str], store: Store, check_error: CheckError
) -> None:
    [lot] = client.get(
        "/v1/parcels", params={"parcel_id": "2054800121"}, headers=parcels_auth
    ).json()["data"]
    one = client.get(f"/v1/parcels/{lot['id']}", headers=parcels_auth)
    assert one.status_code == 200
    assert one.json() == {**lot, "owner_names": "withheld"}
    assert one.json()["building"]["year_built"] == 1986

    by_bbl, by_address, *_ = store(
        {"source_record_id": "by-bbl", "parcel_id": "2-05480-0121", "state": "NY"},
        {"source_record_id": "by-address", "address_key": lot["location"]["address_key"]},
        {"source_record_id": "other-state", "parcel_id": "2054800121", "state": "NJ"},
        {"source_record_id": "unrelated", "parcel_id": "999", "state": "NY"},
    )
    permits = client.get(f"/v1/parcels/{lot['id']}/permits", headers=parcels_auth)
    assert permits.status_code == 200, permits.text
    found = sorted(p["id"] for p in permits.json()["data"])
    assert found == sorted([by_bbl.id, by_address.id])

    missing = client.get("/v1/parcels/no-such-parcel", headers=parcels_auth)
    check_error(missing, 404, "parcel_not_found")
    check_error(
        client.get("/v1/parcels/no-such-parcel/permits", headers=parcels_auth),
        404,
        "parcel_not_found",
    )


def test_parcels_need_the_parcels_scope(
    client: TestClient, make_key: MakeKey, check_error: CheckError
) -> None:
    contractors_only = {"Authorization": f"Bearer {make_key(['contractors:read'])}"}
    check_error(client.get("/v1/parcels", headers=contractors_only), 403, "insufficient_scope")
    check_error(client.get("/v1/parcels"), 401, "missing_api_key")


@pytest.mark.usefixtures("rolls")
def test_every_permit_answer_carries_its_property(
    client: TestClient, make_key: MakeKey, store: Store
) -> None:
    auth = {"Authorization": f"Bearer {make_key(['permits:read'])}"}
    by_bbl, by_address, elsewhere = store(
        {"source_record_id": "by-bbl", "parcel_id": "2-05480-0121", "state": "NY"},
        {"source_record_id": "by-address", "address_key": "865 VINCENT AVE|10465|NY"},
        {"source_record_id": "elsewhere", "parcel_id": "2054800121", "state": "NJ"},
    )
    page = client.get("/v1/permits", params={"limit": 100}, headers=auth).json()["data"]
    properties = {p["id"]: p["property"] for p in page}
    on_bbl = properties[by_bbl.id]
    assert (on_bbl["matched_by"], on_bbl["year_built"], on_bbl["units"]) == ("parcel_key", 1986, 3)
    assert on_bbl["property_type"] == "multi_family"
    assert on_bbl["owner_type"] == "individual"
    lots = client.get(
        "/v1/parcels",
        params={"parcel_id": "2054800121"},
        headers={"Authorization": f"Bearer {make_key(['parcels:read'])}"},
    ).json()["data"]
    assert on_bbl["parcel_record_id"] == lots[0]["id"]
    assert properties[by_address.id]["matched_by"] == "address_key"
    assert properties[by_address.id]["building_area_sqft"] == 1326
    assert properties[elsewhere.id] is None  # the same digits in another state are another lot
    one = client.get(f"/v1/permits/{by_bbl.id}", headers=auth).json()
    assert one["property"] == on_bbl


@pytest.mark.usefixtures("rolls")
def test_permit_search_filters_on_the_property(
    client: TestClient, make_key: MakeKey, store: Store
) -> None:
    auth = {"Authorization": f"Bearer {make_key(['permits:read'])}"}
    walk_up, house, bare = store(
        {"source_record_id": "walk-up", "parcel_id": "2054800121", "state": "NY"},
        {"source_record_id": "house", "address_key": "865 VINCENT AVE|10465|NY"},
        {"source_record_id": "no-parcel", "parcel_id": "999", "state": "NY"},
    )

    def found(**params: Any) -> list[str]:
        response = client.get("/v1/permits", params=params, headers=auth)
        assert response.status_code == 200, response.text
        return sorted(p["id"] for p in response.json()["data"])

    assert found() == sorted([walk_up.id, house.id, bare.id])
    assert found(property_type="multi_family") == [walk_up.id]
    assert found(property_type=["multi_family", "single_family"]) == sorted([walk_up.id, house.id])
    assert found(property_min_year_built=1980) == [walk_up.id]
    assert found(property_max_building_area=2000) == [house.id]  # 1,326 sq ft
    assert found(property_min_unit_count=2, property_min_lot_size=3000) == [walk_up.id]
    assert found(property_min_market_value=1) == []  # PLUTO publishes assessed values only
    body = {"property_type": ["single_family"], "limit": 10}
    posted = client.post("/v1/permits/search", json=body, headers=auth).json()["data"]
    assert [p["id"] for p in posted] == [house.id]


def _query_schemas(client: TestClient, path: str) -> dict[str, dict[str, Any]]:
    operation = client.get("/openapi.json").json()["paths"][path]["get"]
    return {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}


def test_the_document_types_the_property_filters_as_the_server_parses_them(
    client: TestClient,
) -> None:
    """A generated client sends numbers and dates where the server parses them, within the
    same bounds, and a property filter is the same on the parcel and the permit search."""
    parcels = _query_schemas(client, "/v1/parcels")
    money = {"type": "number", "minimum": 0, "maximum": 1e15}
    assert parcels["property_min_market_value"]["anyOf"][0] == money
    assert parcels["assessed_max"]["anyOf"][0] == money
    sale_date = parcels["sale_date_to"]["anyOf"][0]
    assert (sale_date["type"], sale_date["format"]) == ("string", "date")
    assert parcels["property_min_lot_size"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2**53,
    }
    # units and stories are 32-bit columns: a bound past them would fail on PostgreSQL
    assert parcels["property_max_unit_count"]["anyOf"][0]["maximum"] == 100_000
    assert parcels["property_max_stories"]["anyOf"][0]["maximum"] == 1_000
    assert parcels["year_built_from"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 1000,
        "maximum": 2200,
    }
    permits = _query_schemas(client, "/v1/permits")
    shared = [name for name in parcels if name.startswith("property_") and name in permits]
    assert len(shared) == 9  # property_type and the four min/max pairs
    assert all(parcels[name] == permits[name] for name in shared)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sale_date_to", "0"),
        ("sale_date_from", "2026-13-01"),
        ("property_max_market_value", "lots"),
        ("assessed_min", "-1"),
        ("property_min_lot_size", "1.5"),
        ("property_max_unit_count", "3879219802"),
    ],
)
def test_a_filter_value_the_document_excludes_gets_the_error_envelope(
    client: TestClient, parcels_auth: dict[str, str], check_error: CheckError, name: str, value: str
) -> None:
    response = client.get("/v1/parcels", params={name: value}, headers=parcels_auth)
    error = check_error(response, 422, "invalid_parameter")
    assert error["details"][0]["loc"] == ["query", name]
    assert name in error["message"]
