"""GET /v1/jurisdictions: catalog and store merged; one by slug."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.api.conftest import CATALOG, RecordRun, catalog_document

from permitdb.api.app import create_app
from permitdb.api.schemas.jurisdictions import (
    Jurisdiction,
    JurisdictionBreakdown,
    JurisdictionList,
)
from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings

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


SECOND = CatalogEntry.model_validate(
    {
        **catalog_document("testville-ny", "certificates"),
        "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        "stale_after_days": 7,
    }
)


@pytest.fixture
def two_dataset_client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """Testville with a second dataset that has a licence and a freshness expectation."""
    with TestClient(create_app(engine, settings, catalog=[*CATALOG, SECOND])) as test_client:
        yield test_client


def test_freshness_per_dataset_shows_a_failed_one_beside_a_good_one(
    two_dataset_client: TestClient, record_run: RecordRun, store: Store
) -> None:
    store({"source_record_id": "1"}, {"source_record_id": "2"})
    catalog = [*CATALOG, SECOND]
    record_run("testville-ny/building-permits", "succeeded", catalog=catalog)
    record_run(SECOND.slug, "failed", "HTTP 503 from the portal", catalog=catalog)
    body = two_dataset_client.get("/v1/jurisdictions/testville-ny").json()
    Jurisdiction.model_validate(body)
    good, failed = body["datasets"]
    assert good["slug"] == "testville-ny/building-permits"
    assert good["records"] == 2
    assert good["last_synced_at"] == "2026-03-01T12:03:00+00:00"
    assert good["last_run"]["status"] == "succeeded"
    assert (good["last_error"], good["licence"], good["stale"]) == (None, None, None)
    assert good["source_url"] == "/data/testville-ny.csv"
    assert failed["slug"] == SECOND.slug
    assert failed["records"] == 0
    assert failed["last_synced_at"] is None
    assert failed["last_run"]["status"] == "failed"
    assert failed["last_error"] == "HTTP 503 from the portal"
    assert failed["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert failed["stale"] is True  # never synced successfully, and 7 days are expected
    # the jurisdiction's own figures: its latest run failed, its newest good sync stays
    assert body["last_run"]["status"] == "failed"
    assert body["last_successful_sync"] == "2026-03-01T12:03:00+00:00"


def test_a_recent_good_sync_is_not_stale(
    two_dataset_client: TestClient, record_run: RecordRun
) -> None:
    recently = datetime.now(UTC) - timedelta(days=6)  # within SECOND's 7 days
    record_run(SECOND.slug, "succeeded", finished=recently, catalog=[*CATALOG, SECOND])
    body = two_dataset_client.get("/v1/jurisdictions/testville-ny").json()
    (second,) = (d for d in body["datasets"] if d["slug"] == SECOND.slug)
    assert second["stale"] is False
    assert second["last_error"] is None


def test_a_stored_dataset_the_catalog_dropped_is_still_listed(
    client: TestClient, record_run: RecordRun
) -> None:
    dropped = CatalogEntry.model_validate(catalog_document("testville-ny", "old-permits"))
    record_run(dropped.slug, "succeeded", catalog=[*CATALOG, dropped])
    body = client.get("/v1/jurisdictions/testville-ny").json()
    assert [d["slug"] for d in body["datasets"]] == [
        "testville-ny/building-permits",
        "testville-ny/old-permits",
    ]
    old = body["datasets"][1]
    assert (old["source_url"], old["licence"], old["stale"]) == (
        "file://testville-ny/old-permits",
        None,
        None,
    )
    assert old["last_run"]["status"] == "succeeded"


def test_stats_break_a_jurisdiction_down(
    client: TestClient, auth: dict[str, str], engine: Engine, store: Store
) -> None:
    store(
        {"source_record_id": "1", "tags": ["solar", "electrical"], "category": "solar"},
        {"source_record_id": "2", "status": "finaled", "tags": ["solar"], "category": "solar"},
        {"source_record_id": "3", "record_class": "certificate_of_occupancy", "tags": []},
        {"source_record_id": "4", "dataset": "sampleton-tx/building-permits"},
    )
    response = client.get("/v1/jurisdictions/testville-ny/stats", headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    JurisdictionBreakdown.model_validate(body)
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(
                sa.text(
                    "SELECT status, count(*) FROM permits WHERE jurisdiction = 'testville-ny' "
                    "GROUP BY status"
                )
            ).all()
        )
    assert body["statuses"] == statuses == {"issued": 2, "finaled": 1}
    assert body["records"] == 3
    assert body["record_classes"] == {"permit": 2, "certificate_of_occupancy": 1}
    assert body["tags"] == {"solar": 2, "electrical": 1}
    assert body["categories"] == {"solar": 3}  # make_record's category for the certificate
    assert body["property_classes"] == {"residential": 3}
    empty = client.get("/v1/jurisdictions/emptyburg-ca/stats", headers=auth).json()
    assert (empty["records"], empty["tags"]) == (0, {})


def test_stats_of_an_unknown_slug(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    response = client.get("/v1/jurisdictions/testvile-ny/stats", headers=auth)
    error = check_error(response, 404, "jurisdiction_not_found")
    assert "testville-ny" in error["message"]
