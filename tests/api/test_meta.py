"""GET /v1/meta/release: the newest successful sync, overall and per dataset; public."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from tests.api.conftest import CATALOG, NOW, RecordRun

from permitdb.api.schemas.meta import Release


def test_before_any_sync(client: TestClient) -> None:
    body = client.get("/v1/meta/release").json()
    Release.model_validate(body)
    assert body["released_at"] is None
    assert [d["dataset"] for d in body["datasets"]] == sorted(e.slug for e in CATALOG)
    assert {d["released_at"] for d in body["datasets"]} == {None}


def test_newest_successful_sync_overall_and_per_dataset(
    client: TestClient, record_run: RecordRun
) -> None:
    record_run("testville-ny/building-permits", "succeeded", finished=NOW + timedelta(hours=1))
    record_run("sampleton-tx/building-permits", "succeeded", finished=NOW + timedelta(hours=2))
    # a failure releases nothing
    record_run("testville-ny/building-permits", "failed", "boom", finished=NOW + timedelta(hours=5))
    body = client.get("/v1/meta/release").json()
    assert body["released_at"] == "2026-03-01T14:00:00+00:00"
    assert {d["dataset"]: d["released_at"] for d in body["datasets"]} == {
        "emptyburg-ca/building-permits": None,
        "sampleton-tx/building-permits": "2026-03-01T14:00:00+00:00",
        "testville-ny/building-permits": "2026-03-01T13:00:00+00:00",
    }
