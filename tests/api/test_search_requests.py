"""The search over HTTP: the new filters, POST with a polygon, fields=, people, strictness.

What each filter selects is tested in tests/store/test_permit_filters.py; here, that the wire
formats reach it, that GET and POST agree, and that wrong questions get clear errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

CheckError = Callable[..., dict[str, Any]]
MakeKey = Callable[..., str]
Store = Callable[..., list[Any]]
TRIANGLE = [[-97.7450, 30.2700], [-97.7250, 30.2700], [-97.7400, 30.2850], [-97.7450, 30.2700]]


@pytest.fixture
def seeded(store: Store) -> None:
    store(
        {"source_record_id": "capitol", "latitude": 30.2747, "longitude": -97.7404},
        {
            "source_record_id": "north",
            "latitude": 30.2927,
            "longitude": -97.7404,
            "zip": "78705",
            "city": "West Lake Hills",
            "owner_name": "Jane Homeowner",
            "applicant_name": "Joe Applicant",
        },
        {"source_record_id": "travis-less", "county_fips": "48491", "latitude": None},
    )


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {permit["source"]["record_id"] for permit in response.json()["data"]}


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("county=Travis&state=tx", {"capitol", "north"}),
        ("county=Travis%20County&state=TX", {"capitol", "north"}),
        ("county=48491", {"travis-less"}),
        ("zip=78705-1234", {"north"}),
        ("zip=78705&zip=78701", {"capitol", "north", "travis-less"}),
        ("city=%20west%20%20lake%20HILLS&city=Nowhere", {"north"}),
        ("bbox=-97.75,30.27,-97.73,30.28", {"capitol"}),
        ("near=30.2747,-97.7404&radius_m=2100", {"capitol", "north"}),
        ("near=30.2747,-97.7404&radius_m=1000", {"capitol"}),
        ("tags_any=roofing,solar&has_contractor=true", {"capitol", "north", "travis-less"}),
        ("permit_type_contains=electric&status_raw=ACTIVE", {"capitol", "north", "travis-less"}),
    ],
)
def test_get_filters(
    client: TestClient, auth: dict[str, str], query: str, expected: set[str]
) -> None:
    assert ids(client.get(f"/v1/permits?{query}", headers=auth)) == expected


@pytest.mark.usefixtures("seeded")
def test_post_search_takes_a_polygon_and_pages(client: TestClient, auth: dict[str, str]) -> None:
    body: dict[str, Any] = {"polygon": {"type": "Polygon", "coordinates": [TRIANGLE]}}
    assert ids(client.post("/v1/permits/search", json=body, headers=auth)) == {"capitol"}
    seen: list[str] = []
    cursor = None
    while True:
        page = {"limit": 1, "zip": ["78701", "78705"], **({"cursor": cursor} if cursor else {})}
        answer = client.post("/v1/permits/search", json=page, headers=auth).json()
        seen += [p["id"] for p in answer["data"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    listed = client.get("/v1/permits?zip=78701&zip=78705", headers=auth).json()["data"]
    assert seen == [p["id"] for p in listed]
    assert len(seen) == 3


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ({"type": "Point", "coordinates": [0, 0]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [TRIANGLE[:3]]}, "at least 4"),
        ({"type": "Polygon", "coordinates": [[*TRIANGLE[:3], [0, 0]]]}, "end where it starts"),
        ({"type": "Polygon", "coordinates": [[[0, 95], [1, 0], [0, 1], [0, 95]]]}, "latitude"),
    ],
)
def test_bad_polygons(
    client: TestClient, auth: dict[str, str], check_error: CheckError, polygon: Any, message: str
) -> None:
    response = client.post("/v1/permits/search", json={"polygon": polygon}, headers=auth)
    error = check_error(response, 422, "invalid_parameter")
    assert error["details"][0]["loc"] == ["body", "polygon"]
    assert message in error["message"]


@pytest.mark.usefixtures("seeded")
def test_fields_choose_what_each_permit_carries(client: TestClient, auth: dict[str, str]) -> None:
    query = "fields=permit_number,dates.issued&fields=address.zip"
    permits = client.get(f"/v1/permits?{query}", headers=auth).json()["data"]
    assert {tuple(sorted(p)) for p in permits} == {("address", "dates", "id", "permit_number")}
    assert all(set(p["dates"]) == {"issued"} and set(p["address"]) == {"zip"} for p in permits)


@pytest.mark.usefixtures("seeded")
def test_person_level_fields_need_their_scope(
    client: TestClient, auth: dict[str, str], make_key: MakeKey, check_error: CheckError
) -> None:
    people = {"X-API-Key": make_key(scopes=("permits:read", "people:read"))}
    plain = client.get("/v1/permits?zip=78705", headers=auth).json()["data"][0]
    assert plain["owner"] is None
    assert plain["applicant"] is None
    full = client.get("/v1/permits?zip=78705", headers=people).json()["data"][0]
    assert full["owner"]["name"] == "Jane Homeowner"
    assert full["applicant"]["name"]
    assert client.get(f"/v1/permits/{full['id']}", headers=auth).json()["owner"] is None
    error = check_error(
        client.get("/v1/permits?owner=jane", headers=auth), 403, "insufficient_scope"
    )
    assert "people:read" in error["message"]
    assert ids(client.get("/v1/permits?owner=HOMEOWNER", headers=people)) == {"north"}


@pytest.mark.parametrize(
    ("query", "loc", "kind"),
    [
        ("state=NY&state=CA", ["query", "state"], "repeated"),
        ("limit=5&limit=6", ["query", "limit"], "repeated"),
        ("q=", ["query", "q"], "empty"),
        ("tags=", ["query", "tags"], "empty"),
        ("jurisdiction=%20", ["query", "jurisdiction"], "empty"),
        ("q=" + "x" * 201, ["query", "q"], "string_too_long"),
        ("city=" + "x" * 101, ["query", "city", 0], "string_too_long"),
        ("bbox=1,2,3", ["query", "bbox"], "string_pattern_mismatch"),
        ("bbox=3,2,1,4", ["query", "bbox"], "coordinate_range"),
        ("near=30,-97", ["query", "near"], "combination"),  # no radius_m
        ("near=95,-97&radius_m=5", ["query", "near"], "coordinate_range"),
        ("county=Travis", ["query", "county"], "combination"),
        ("county=Atlantis&state=TX", ["query", "county"], "unknown_county"),
        ("tags_any=-solar", ["query", "tags_any"], "enum"),
        ("fields=id,nonsense", ["query", "fields", 0], "string_pattern_mismatch"),
        ("min_stories=4&max_stories=2", ["query", "min_stories"], "range_order"),
        ("zip=7870", ["query", "zip", 0], "string_pattern_mismatch"),
    ],
)
def test_wrong_questions(
    client: TestClient,
    auth: dict[str, str],
    check_error: CheckError,
    query: str,
    loc: list[Any],
    kind: str,
) -> None:
    error = check_error(client.get(f"/v1/permits?{query}", headers=auth), 422, "invalid_parameter")
    assert [error["details"][0]["loc"], error["details"][0]["type"]] == [loc, kind]


def test_empty_and_repeated_values_are_all_reported(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    response = client.get("/v1/permits?state=NY&state=CA&q=&cursor=", headers=auth)
    error = check_error(response, 422, "invalid_parameter")
    assert [d["loc"][1] for d in error["details"]] == ["state", "q", "cursor"]


def test_an_empty_body_value_is_an_error(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    response = client.post("/v1/permits/search", json={"city": [""]}, headers=auth)
    error = check_error(response, 422, "invalid_parameter")
    assert error["details"][0]["loc"][:2] == ["body", "city"]
    response = client.post("/v1/permits/search", json={"stat": "TX"}, headers=auth)
    check_error(response, 422, "invalid_parameter")


def test_trailing_slash_is_a_404_naming_the_route(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    error = check_error(client.get("/v1/permits/", headers=auth), 404, "not_found")
    assert "(/v1/permits)" in error["message"]
    check_error(client.get("/v1/jurisdictions/"), 404, "not_found")


def test_a_body_that_is_not_utf8_is_a_422(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    headers = {**auth, "Content-Type": "application/json"}
    response = client.post("/v1/permits/search", content=b"\xff\xfe{", headers=headers)
    check_error(response, 422, "invalid_parameter")
