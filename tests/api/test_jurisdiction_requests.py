"""POST/GET /v1/jurisdictions/requests: ask for a jurisdiction, one vote per key, listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

CheckError = Callable[..., dict[str, Any]]
MakeKey = Callable[..., str]
URL = "/v1/jurisdictions/requests"


def headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def ask(client: TestClient, key: str, name: str, state: str = "MO") -> Any:
    return client.post(URL, json={"name": name, "state": state}, headers=headers(key))


def test_a_new_request_is_201_and_the_same_key_again_does_not_count_twice(
    client: TestClient, make_key: MakeKey
) -> None:
    key = make_key()
    created = ask(client, key, "St. Louis")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "St. Louis"
    assert (body["state"], body["status"], body["slug"]) == ("MO", "requested", None)
    assert (body["request_count"], body["voted"]) == (1, True)

    again = ask(client, key, "St. Louis")
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["request_count"]) == (body["id"], 1)
    assert again.json()["voted"] is False


def test_another_key_upvotes_and_names_match_whatever_their_spelling(
    client: TestClient, make_key: MakeKey
) -> None:
    first = ask(client, make_key(name="a"), "St. Louis").json()
    for n, spelling in enumerate(("st louis", "  ST.LOUIS ", "St Louis!"), start=2):
        response = ask(client, make_key(name=f"k{n}"), spelling, state="mo")
        assert response.status_code == 200, response.text
        assert (response.json()["id"], response.json()["request_count"]) == (first["id"], n)
        assert response.json()["name"] == "St. Louis"  # the first spelling is kept
    elsewhere = ask(client, make_key(name="z"), "St. Louis", state="MI")
    assert elsewhere.status_code == 201  # same name, other state: another request


def test_jurisdiction_name_is_accepted_as_signedoff_spells_it(
    client: TestClient, make_key: MakeKey
) -> None:
    body = {"jurisdiction_name": "City of Phoenix", "state": "AZ"}
    response = client.post(URL, json=body, headers=headers(make_key()))
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "City of Phoenix"


def test_a_covered_jurisdiction_answers_with_its_slug_and_records_nothing(
    client: TestClient, make_key: MakeKey
) -> None:
    key = make_key()
    for name in ("Testville", "testville ny", "TESTVILLE."):
        response = ask(client, key, name, state="NY")
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["slug"], body["id"]) == ("covered", "testville-ny", None)
        assert body["voted"] is False
    assert client.get(URL, headers=headers(key)).json()["data"] == []


def test_invalid_bodies_are_422_naming_the_field(
    client: TestClient, make_key: MakeKey, check_error: CheckError
) -> None:
    key = make_key()
    for body, field in (
        ({"name": "Springfield", "state": "ZZ"}, "state"),
        ({"name": "Springfield", "state": "Missouri"}, "state"),
        ({"name": "...", "state": "MO"}, "name"),
        ({"name": "", "state": "MO"}, "name"),
        ({"name": "Tulsa\x1b[2J", "state": "OK"}, "name"),
        ({"state": "MO"}, "name"),
    ):
        response = client.post(URL, json=body, headers=headers(key))
        error = check_error(response, 422, "invalid_parameter")
        assert error["details"][0]["loc"] == ["body", field], body


def test_a_key_is_required_but_any_scope_will_do(
    client: TestClient, make_key: MakeKey, check_error: CheckError
) -> None:
    check_error(client.post(URL, json={"name": "Tulsa", "state": "OK"}), 401, "missing_api_key")
    check_error(client.get(URL), 401, "missing_api_key")
    scopeless = make_key(scopes=())
    assert ask(client, scopeless, "Tulsa", state="OK").status_code == 201
    assert client.get(URL, headers=headers(scopeless)).status_code == 200


def test_the_list_is_most_votes_first_and_pages(client: TestClient, make_key: MakeKey) -> None:
    keys = [make_key(name=f"k{n}") for n in range(3)]
    for name, voters in (("Tulsa", 1), ("Boise", 3), ("Omaha", 2), ("Reno", 1)):
        for key in keys[:voters]:
            ask(client, key, name, state="OK")
    seen: list[tuple[str, int]] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        response = client.get(URL, params=params, headers=headers(keys[0]))
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [(item["name"], item["request_count"]) for item in body["data"]]
        if body["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": body["next_cursor"]}
    # most votes first; among equals, the earlier request first
    assert seen == [("Boise", 3), ("Omaha", 2), ("Tulsa", 1), ("Reno", 1)]


def test_a_permit_listing_cursor_is_refused_here(
    client: TestClient, make_key: MakeKey, auth: dict[str, str], check_error: CheckError
) -> None:
    key = make_key()
    for name in ("Tulsa", "Boise"):
        ask(client, key, name, state="OK")
    cursor = client.get(URL, params={"limit": 1}, headers=headers(key)).json()["next_cursor"]
    permits = client.get("/v1/permits", params={"cursor": cursor}, headers=auth)
    check_error(permits, 400, "invalid_cursor")


def test_a_jurisdiction_slug_route_still_answers(client: TestClient) -> None:
    assert client.get("/v1/jurisdictions/testville-ny").json()["slug"] == "testville-ny"
