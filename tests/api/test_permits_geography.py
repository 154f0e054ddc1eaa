"""GET /v1/permits with geography we do not hold: a hint on the empty page, a 422 for a slug."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from permitdb.api.schemas.permits import PermitPage

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]


@pytest.fixture
def seeded(store: Store) -> list[Any]:
    return store(
        {"source_record_id": "1", "city": "BROOKLYN", "state": "NY", "zip": "11201"},
        {"source_record_id": "2", "city": "BRONX", "state": "NY", "zip": "10451"},
        {"source_record_id": "3", "city": "BROOKSHIRE", "state": "TX", "zip": "77423",
         "dataset": "sampleton-tx/building-permits"},
    )  # fmt: skip


def listing(client: TestClient, auth: dict[str, str], **params: str) -> dict[str, Any]:
    response = client.get("/v1/permits", params=params, headers=auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    PermitPage.model_validate(body)
    return body


def test_misspelled_city_gets_the_nearest_stored_names(
    client: TestClient, auth: dict[str, str], seeded: list[Any]
) -> None:
    body = listing(client, auth, city="Brookyln")
    assert body["data"] == []
    hint = body["hint"]
    assert hint["browse"] == "/v1/cities"
    assert hint["nearest"][0] == "BROOKLYN"
    assert "GET /v1/cities" in hint["message"]
    # within a state, only that state's cities are candidates
    scoped = listing(client, auth, city="Brookyln", state="ny")["hint"]
    assert scoped["browse"] == "/v1/cities?state=NY"
    assert "BROOKSHIRE" not in scoped["nearest"]
    assert scoped["nearest"][0] == "BROOKLYN"


@pytest.mark.parametrize(
    ("params", "browse", "nearest"),
    [
        ({"state": "NJ"}, "/v1/states", None),
        ({"zip": "11202"}, "/v1/zips", "11201"),
        ({"city": "Brookshyre", "state": "TX"}, "/v1/cities?state=TX", "BROOKSHIRE"),
    ],
)
def test_other_unmatched_geography(
    client: TestClient,
    auth: dict[str, str],
    seeded: list[Any],
    params: dict[str, str],
    browse: str,
    nearest: str | None,
) -> None:
    hint = listing(client, auth, **params)["hint"]
    assert hint["browse"] == browse
    if nearest is not None:
        assert hint["nearest"][0] == nearest


def test_no_hint_when_the_place_exists_or_results_come_back(
    client: TestClient, auth: dict[str, str], seeded: list[Any]
) -> None:
    assert "hint" not in listing(client, auth, city="brooklyn")
    # every place value is stored; another filter emptied the page
    empty = listing(client, auth, city="BROOKLYN", status="denied")
    assert empty["data"] == []
    assert "hint" not in empty


def test_unknown_jurisdiction_is_a_422_naming_the_nearest(
    client: TestClient, auth: dict[str, str], seeded: list[Any], check_error: CheckError
) -> None:
    response = client.get(
        "/v1/permits", params={"jurisdiction": ["sampleton-tx", "testvile-ny"]}, headers=auth
    )
    error = check_error(response, 422, "unknown_jurisdiction")
    assert "/v1/jurisdictions" in error["message"]
    assert "'testvile-ny'" in error["message"]
    (detail,) = error["details"]
    assert detail["loc"] == ["query", "jurisdiction"]
    assert detail["nearest"][0] == "testville-ny"


def test_known_jurisdiction_without_data_is_an_empty_page(
    client: TestClient, auth: dict[str, str], seeded: list[Any]
) -> None:
    body = listing(client, auth, jurisdiction="emptyburg-ca")
    assert body["data"] == []
    assert "hint" not in body
