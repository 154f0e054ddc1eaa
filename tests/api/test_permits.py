"""GET /v1/permits and /v1/permits/{id}: filters, shape, counts, raw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from permitdb.api.schemas.permits import Permit, PermitPage

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]

SEEDS: list[dict[str, Any]] = [
    {"source_record_id": "a", "state": "NY", "city": "TESTVILLE", "zip": "10001",
     "tags": ["solar", "battery"], "category": "solar", "status": "issued", "status_phase": "open",
     "permit_type": "Electrical Permit", "applied_date": date(2026, 1, 5),
     "issued_date": date(2026, 1, 20), "finaled_date": date(2026, 3, 1),
     "valuation": Decimal("30000.00"), "contractor_name": "Sunny Roofs LLC",
     "permit_number": "E-1", "parcel_id": "P-1", "address_key": "ny-10001-1-main-st",
     "description": "rooftop solar array", "property_class": "residential"},
    {"source_record_id": "b", "state": "NY", "city": "TESTVILLE", "zip": "10002",
     "tags": ["solar", "roofing"], "category": "roofing", "status": "finaled",
     "status_phase": "closed", "permit_type": "Building Permit", "applied_date": date(2025, 6, 1),
     "issued_date": date(2025, 7, 1), "finaled_date": None, "valuation": Decimal("12000.50"),
     "contractor_name": "Acme Builders", "permit_number": "B-2", "parcel_id": "P-2",
     "address_key": "ny-10002-2-oak-st", "description": "reroof and solar panels",
     "property_class": "commercial"},
    {"dataset": "sampleton-tx/building-permits", "source_record_id": "c", "state": "TX",
     "city": "SAMPLETON", "zip": "75001", "tags": ["pool"], "category": "pool",
     "status": "applied", "status_phase": "open", "permit_type": "Pool",
     "applied_date": date(2026, 2, 1), "issued_date": None, "finaled_date": None,
     "valuation": None, "contractor_name": None, "contractor_license": None,
     "contractor_license_state": None, "contractor_trade": None, "contractor_phone": None,
     "permit_number": "P-3", "parcel_id": "P-3", "address_key": "tx-75001-3-elm-st",
     "description": "in-ground swimming pool", "property_class": "residential",
     "latitude": None, "longitude": None, "location_source": None},
    {"source_record_id": "d", "state": "NY", "record_class": "certificate_of_occupancy",
     "tags": [], "category": None, "issued_date": date(2026, 2, 10), "permit_number": "CO-4",
     "description": "certificate of occupancy"},
]  # fmt: skip


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(p["permit_number"] for p in response.json()["data"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["B-2", "E-1", "P-3"]),
        ("state=ny", ["B-2", "E-1"]),
        ("city=testville", ["B-2", "E-1"]),
        ("zip=75001", ["P-3"]),
        ("jurisdiction=sampleton-tx", ["P-3"]),
        ("jurisdiction=sampleton-tx&jurisdiction=testville-ny", ["B-2", "E-1", "P-3"]),
        ("record_class=certificate_of_occupancy", ["CO-4"]),
        ("record_class=all", ["B-2", "CO-4", "E-1", "P-3"]),
        ("status=issued&status=applied", ["E-1", "P-3"]),
        ("status_phase=closed", ["B-2"]),
        ("tags=solar", ["B-2", "E-1"]),
        ("tags=solar,battery", ["E-1"]),
        ("tags=solar&tags=-roofing", ["E-1"]),
        ("tags=-solar", ["P-3"]),
        ("category=pool", ["P-3"]),
        ("property_class=commercial", ["B-2"]),
        ("permit_type=Electrical Permit", ["E-1"]),
        ("filed_from=2026-01-01&filed_to=2026-01-31", ["E-1"]),
        ("issued_from=2026-01-01", ["E-1"]),
        ("issued_to=2025-12-31", ["B-2"]),
        ("finaled_from=2026-02-01&finaled_to=2026-03-31", ["E-1"]),
        ("min_valuation=20000", ["E-1"]),
        ("max_valuation=20000", ["B-2"]),
        ("q=solar", ["B-2", "E-1"]),
        ("q=swimming pool", ["P-3"]),
        ("q=reroof OR pool", ["B-2", "P-3"]),
        ("q=-solar", ["P-3"]),
        ('q="solar array" OR swim*', ["E-1", "P-3"]),
        ("contractor=acme", ["B-2"]),
        ("permit_number=E-1", ["E-1"]),
        ("parcel_id=P-2", ["B-2"]),
        ("address_key=tx-75001-3-elm-st", ["P-3"]),
        ("updated_since=2026-03-01T00:00:00Z", ["B-2", "E-1", "P-3"]),
        ("updated_since=2026-03-02T00:00:00", []),
    ],
)
def test_filters(
    client: TestClient, auth: dict[str, str], store: Store, query: str, expected: list[str]
) -> None:
    store(*SEEDS)
    assert numbers(client.get(f"/v1/permits?{query}", headers=auth)) == expected


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("filed_from=2026-02-01&filed_to=2026-01-01", "filed_from"),
        ("issued_from=2026-02-01&issued_to=2026-01-01", "issued_from"),
        ("min_valuation=10&max_valuation=5", "min_valuation"),
        ("tags=solar,unicorns", "tags"),
        ("status=done", "status"),
        ("record_class=parcel", "record_class"),
        ("state=Texas", "state"),
        ("zip=7500", "zip"),
        ("q=" + "x" * 201, "q"),
        ("q=solar%00", "q"),  # a NUL byte is the caller's mistake, not a database outage
        ('q="heat pump', "q"),
        ("q=-", "q"),
        ("q=solar OR", "q"),
        ("sort=newest", "sort"),
        ("offset=10001", "offset"),
        ("offset=-1", "offset"),
        ("updated_since=last-week", "updated_since"),
        ("include_count=maybe", "include_count"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
    ],
)
def test_bad_values_name_the_parameter(
    client: TestClient, auth: dict[str, str], check_error: CheckError, query: str, where: str
) -> None:
    error = check_error(client.get(f"/v1/permits?{query}", headers=auth), 422, "invalid_parameter")
    assert ["query", where] in [d["loc"][:2] for d in error["details"]]
    assert where in error["message"]


def test_a_q_error_says_how_to_fix_it(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    error = check_error(
        client.get('/v1/permits?q="heat pump', headers=auth), 422, "invalid_parameter"
    )
    assert error["details"] == [
        {"loc": ["query", "q"], "msg": error["details"][0]["msg"], "type": "full_text_syntax"}
    ]
    assert "close the phrase" in error["message"]
    nul = check_error(client.get("/v1/permits?q=solar%00", headers=auth), 422, "invalid_parameter")
    assert "NUL character" in nul["message"]


def test_a_bad_sort_lists_the_allowed_values(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    error = check_error(
        client.get("/v1/permits?sort=newest", headers=auth), 422, "invalid_parameter"
    )
    for allowed in ("issued_desc", "filed_asc", "valuation_desc", "updated_asc"):
        assert allowed in error["message"]


def test_unknown_parameter_suggests_the_close_one(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    response = client.get("/v1/permits?isued_from=2026-01-01", headers=auth)
    error = check_error(response, 422, "unknown_parameter")
    assert "'isued_from'" in error["message"]
    assert "'issued_from'" in error["message"]


def test_limit_bounds(client: TestClient, auth: dict[str, str], store: Store) -> None:
    store(*({"source_record_id": str(n)} for n in range(3)))
    assert client.get("/v1/permits?limit=1", headers=auth).json()["returned"] == 1
    assert client.get("/v1/permits?limit=1000", headers=auth).json()["returned"] == 3


def test_shape_of_a_listed_permit(client: TestClient, auth: dict[str, str], store: Store) -> None:
    (record,) = store(SEEDS[0])
    page = client.get("/v1/permits", headers=auth).json()
    PermitPage.model_validate(page)
    assert page["returned"] == 1
    assert page["next_cursor"] is None
    assert "total" not in page
    (permit,) = page["data"]
    assert "raw" not in permit
    assert permit["id"] == record.id
    assert permit["valuation"] == 30000.0
    assert permit["dates"]["issued"] == "2026-01-20"
    assert permit["durations"] == {"approval_days": 15, "construction_days": 40, "total_days": 55}
    assert permit["address"]["key"] == "ny-10001-1-main-st"
    assert permit["address"]["original"]["address1"] == "1100 Congress Ave"
    assert permit["location"]["source"] == "source"
    assert permit["contractor"]["name"] == "Sunny Roofs LLC"
    assert permit["owner"] is None
    assert permit["source"]["record_id"] == "a"


def test_durations_are_null_when_a_date_is_missing_or_out_of_order(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    store(SEEDS[2], {"applied_date": date(2026, 5, 1), "issued_date": date(2026, 4, 1)})
    page = client.get("/v1/permits?record_class=all", headers=auth).json()
    for permit in page["data"]:
        assert permit["durations"]["approval_days"] is None
    pool = next(p for p in page["data"] if p["permit_number"] == "P-3")
    assert pool["location"] is None
    assert pool["contractor"] is None


def test_include_raw_and_include_count(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    store(*({"source_record_id": str(n), "raw": {"n": n}} for n in range(5)))
    page = client.get("/v1/permits?limit=2&include_raw=true&include_count=true", headers=auth)
    body = page.json()
    assert body["total"] == {"value": 5, "relation": "eq"}
    assert all(isinstance(p["raw"]["n"], int) for p in body["data"])
    PermitPage.model_validate(body)


def test_count_is_capped(client: TestClient, auth: dict[str, str], store: Store) -> None:
    store(*({"source_record_id": str(n)} for n in range(3)))
    body = client.get("/v1/permits?include_count=1", headers=auth).json()
    assert body["total"]["relation"] == "eq"


def test_one_permit_by_id_includes_raw(
    client: TestClient, auth: dict[str, str], store: Store, check_error: CheckError
) -> None:
    (record,) = store({**SEEDS[0], "raw": {"PERMIT_NO": "E-1", "nested": {"x": [1, 2]}}})
    response = client.get(f"/v1/permits/{record.id}", headers=auth)
    assert response.status_code == 200
    permit = response.json()
    Permit.model_validate(permit)
    assert permit["raw"] == {"PERMIT_NO": "E-1", "nested": {"x": [1, 2]}}
    assert permit["first_seen_at"] is not None
    assert datetime.fromisoformat(permit["updated_at"]) == datetime(2026, 3, 1, 12, tzinfo=UTC)
    check_error(client.get(f"/v1/permits/{record.id}x", headers=auth), 404, "permit_not_found")


def test_batch_by_ids_answers_in_the_order_asked(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    ids = [record.id for record in store(*SEEDS)]
    asked = [ids[2], "missing-1", ids[0], ids[2], ids[3], "missing-1", "missing-2"]
    query = "&".join(f"id={permit_id}" for permit_id in asked)
    body = client.get(f"/v1/permits?{query}", headers=auth).json()
    PermitPage.model_validate(body)
    # each once, at its first place; the certificate too: an id names any record class
    assert [p["id"] for p in body["data"]] == [ids[2], ids[0], ids[3]]
    assert body["returned"] == 3
    assert body["not_found"] == ["missing-1", "missing-2"]
    assert body["next_cursor"] is None
    assert all("raw" not in p for p in body["data"])
    with_raw = client.get(f"/v1/permits?id={ids[1]}&include_raw=true", headers=auth).json()
    assert with_raw["data"][0]["raw"] is not None
    assert with_raw["not_found"] == []
    assert "not_found" not in client.get("/v1/permits", headers=auth).json()


def test_batch_by_ids_takes_50(client: TestClient, auth: dict[str, str], store: Store) -> None:
    ids = [record.id for record in store(*({"source_record_id": str(n)} for n in range(50)))]
    body = client.get("/v1/permits", params={"id": ids}, headers=auth).json()
    assert [p["id"] for p in body["data"]] == ids


@pytest.mark.parametrize(
    "query",
    [
        "&".join(f"id=p{n}" for n in range(51)),
        "id=p1&state=NY",
        "id=p1&cursor=abc",
        "id=p1&limit=10",
        "id=p1&include_count=true",
        "id=" + "x" * 129,
        "id=",
    ],
)
def test_batch_by_ids_refuses(
    client: TestClient, auth: dict[str, str], check_error: CheckError, query: str
) -> None:
    error = check_error(client.get(f"/v1/permits?{query}", headers=auth), 422, "invalid_parameter")
    assert error["details"][0]["loc"][:2] == ["query", "id"]  # [..., 0]: the first value
    assert "id" in error["message"]
