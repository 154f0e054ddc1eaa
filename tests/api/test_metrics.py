"""/metrics: Prometheus' text format behind the metrics:read scope; request counters and
latency by route template, and sync metrics read from the run log (both engines)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.api.metrics import MULTIPROCESS_DIR_VARIABLE, SyncCollector, multiprocess_metrics
from permitdb.store.engine import create_engine_for

Scrape = Callable[[], str]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "observability.md"


@pytest.fixture
def scrape(client: TestClient, make_key: Callable[..., str]) -> Scrape:
    headers = {"Authorization": f"Bearer {make_key(['metrics:read'])}"}

    def get() -> str:
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 200, response.text
        return response.text

    return get


def value(text: str, name: str, **labels: str) -> float | None:
    """The sample ``name`` with exactly ``labels`` (histogram buckets aside), or None."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def test_metrics_need_a_key_with_the_metrics_scope(
    client: TestClient, auth: dict[str, str], check_error: Callable[..., object], scrape: Scrape
) -> None:
    check_error(client.get("/metrics"), 401, "missing_api_key")
    check_error(client.get("/metrics", headers=auth), 403, "insufficient_scope")
    assert "# TYPE permitdb_http_requests_total counter" in scrape()


def test_the_response_is_prometheus_text(client: TestClient, make_key: Callable[..., str]) -> None:
    response = client.get(
        "/metrics", headers={"X-API-Key": make_key(["permits:read", "metrics:read"])}
    )
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response.headers["x-request-id"]
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "permitdb_http_requests",
        "permitdb_http_request_duration_seconds",
        "permitdb_database_up",
        "permitdb_sync_runs",
        "permitdb_rows_ingested",
        "permitdb_rows_quarantined",
        "permitdb_source_last_success_timestamp_seconds",
        "permitdb_source_last_success_age_seconds",
    } <= names


def test_every_metric_is_documented(
    client: TestClient, record_run: Callable[..., None], scrape: Scrape
) -> None:
    record_run("testville-ny/building-permits", "succeeded")  # so every family has samples
    client.get("/v1/health")
    documented = DOCS.read_text()
    for family in text_string_to_metric_families(scrape()):
        exposed = family.name + ("_total" if family.type == "counter" else "")
        assert f"| `{exposed}` | {family.type} |" in documented, exposed


def test_request_counters_move_by_route_template_and_status(
    client: TestClient, auth: dict[str, str], scrape: Scrape
) -> None:
    health = {"method": "GET", "route": "/v1/health", "status": "200"}
    before = value(scrape(), "permitdb_http_requests_total", **health) or 0
    for _ in range(3):
        client.get("/v1/health")
    client.get("/v1/permits/0123456789abcdef", headers=auth)  # a 404 through a real route
    client.get("/v1/permits/fedcba9876543210", headers=auth)
    client.get("/no/such/route")

    text = scrape()
    assert value(text, "permitdb_http_requests_total", **health) == before + 3
    by_id = {"method": "GET", "route": "/v1/permits/{permit_id}", "status": "404"}
    assert value(text, "permitdb_http_requests_total", **by_id) == 2  # one series, two ids
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(text, "permitdb_http_requests_total", **unmatched) == 1
    latency = {"method": "GET", "route": "/v1/permits/{permit_id}"}
    assert value(text, "permitdb_http_request_duration_seconds_count", **latency) == 2
    assert (value(text, "permitdb_http_request_duration_seconds_sum", **latency) or 0) > 0
    assert "0123456789abcdef" not in text


def test_sync_metrics_move_after_an_ingest(engine: Engine, scrape: Scrape) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits", page_size=5)
    dataset = {"dataset": entry.slug}
    before = scrape()
    assert value(before, "permitdb_sync_runs_total", **dataset, status="succeeded") is None
    assert value(before, "permitdb_database_up") == 1

    summary = ingest(engine, entry)
    again = ingest(engine, entry, full=True)
    text = scrape()

    assert value(text, "permitdb_sync_runs_total", **dataset, status="succeeded") == 2
    for outcome in ("inserted", "updated", "unchanged"):
        expected = getattr(summary, outcome) + getattr(again, outcome)
        assert value(text, "permitdb_rows_ingested_total", **dataset, outcome=outcome) == expected
    assert value(text, "permitdb_rows_ingested_total", **dataset, outcome="inserted") > 0
    quarantined = value(text, "permitdb_rows_quarantined_total", **dataset)
    assert quarantined == summary.rejected + again.rejected
    finished = value(text, "permitdb_source_last_success_timestamp_seconds", **dataset)
    assert finished is not None
    assert abs(finished - datetime.now(UTC).timestamp()) < 300
    age = value(text, "permitdb_source_last_success_age_seconds", **dataset)
    assert age is not None
    assert 0 <= age < 300


def test_a_failed_sync_is_counted_and_leaves_the_last_success_alone(
    record_run: Callable[..., None], scrape: Scrape
) -> None:
    record_run("testville-ny/building-permits", "succeeded")
    record_run("testville-ny/building-permits", "failed", "FatalSourceError: 404")
    text = scrape()
    labels = {"dataset": "testville-ny/building-permits"}
    assert value(text, "permitdb_sync_runs_total", **labels, status="failed") == 1
    assert value(text, "permitdb_sync_runs_total", **labels, status="succeeded") == 1
    # record_run's runs finish at NOW + 3 minutes (tests/api/conftest.py)
    expected = datetime(2026, 3, 1, 12, 3, tzinfo=UTC).timestamp()
    assert value(text, "permitdb_source_last_success_timestamp_seconds", **labels) == expected


def test_a_database_that_does_not_answer_is_reported_not_raised() -> None:
    unreachable = create_engine_for("sqlite:////nonexistent-folder/permitdb.sqlite")
    families = list(SyncCollector(unreachable).collect())
    assert [(f.name, [s.value for s in f.samples]) for f in families] == [
        ("permitdb_database_up", [0])
    ]


def test_a_configured_multiprocess_folder_starts_each_run_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    monkeypatch.setenv(MULTIPROCESS_DIR_VARIABLE, str(folder))
    with multiprocess_metrics(workers=1) as used:
        assert used == folder
        assert folder.is_dir()  # made when missing
        (folder / "counter_1234.db").write_bytes(b"samples of an earlier run")
    with multiprocess_metrics(workers=4):
        assert list(folder.iterdir()) == []
    assert folder.is_dir()  # the operator's folder stays


def test_several_workers_get_a_folder_of_their_own_for_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MULTIPROCESS_DIR_VARIABLE, raising=False)
    with multiprocess_metrics(workers=1) as used:
        assert used is None
        assert MULTIPROCESS_DIR_VARIABLE not in os.environ
    with multiprocess_metrics(workers=2) as used:
        assert used is not None
        assert os.environ[MULTIPROCESS_DIR_VARIABLE] == str(used)
        assert used.is_dir()
    assert MULTIPROCESS_DIR_VARIABLE not in os.environ
    assert not used.exists()
