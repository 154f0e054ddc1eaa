"""GET /v1/jurisdictions: catalog and store merged; one by slug."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from permitdb.api.schemas.jurisdictions import Jurisdiction, JurisdictionList

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]


def test_catalog_jurisdictions_are_listed_before_any_data(client: TestClient) -> None:
    body = client.get("/v1/jurisdictions").json()
    JurisdictionList.model_validate(body)
    assert [j["slug"] for j in body["data"]] == ["emptyburg-ca", "sampleton-tx", "testville-ny"]
    assert body["returned"] == 3
    empty = body["data"][0]
    assert empty["name"] == "Emptyburg"
    assert empty["state"] == "CA"
    assert empty["platforms"] == ["file"]
    assert empty["datasets"][0]["slug"] == "emptyburg-ca/building-permits"
    assert empty["records"]["total"] == 0
    assert empty["last_run"] is None
    assert empty["last_successful_sync"] is None


def test_stored_records_are_counted(client: TestClient, store: Store) -> None:
    store(
        {
            "source_record_id": "1",
            "applied_date": date(2025, 1, 2),
            "issued_date": date(2025, 2, 1),
        },
        {"source_record_id": "2", "issued_date": date(2026, 1, 9)},
        {"source_record_id": "3", "record_class": "certificate_of_occupancy"},
    )
    body = client.get("/v1/jurisdictions/testville-ny").json()
    Jurisdiction.model_validate(body)
    assert body["records"] == {
        "permit": 2,
        "certificate_of_occupancy": 1,
        "new_construction_parcel": 0,
        "total": 3,
    }
    assert body["dates"]["earliest_issued"] == "2025-02-01"
    assert body["dates"]["latest_issued"] == "2026-03-16"
    assert client.get("/v1/jurisdictions/emptyburg-ca").json()["records"]["total"] == 0


def test_unknown_slug(client: TestClient, check_error: CheckError) -> None:
    error = check_error(client.get("/v1/jurisdictions/atlantis"), 404, "jurisdiction_not_found")
    assert "/v1/jurisdictions" in error["message"]
