"""Lookups by permit number: detection, ambiguity (HTTP 300), not-found kinds, status views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from permitdb.api.schemas.permit_numbers import PermitStatusBatch, PermitStatusView
from permitdb.api.schemas.permits import Permit
from permitdb.store.ingest_state import finish_run, start_run

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]
SAMPLETON = "sampleton-tx/building-permits"
FETCHED = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)  # make_record's fetched_at

SEEDS: list[dict[str, Any]] = [
    {"source_record_id": "t1", "permit_number": "BLD2024-00123", "status": "issued"},
    {"source_record_id": "t2", "permit_number": "BLD2024-00999", "status": "finaled",
     "status_phase": "closed", "status_raw": "Final"},
    {"source_record_id": "t3", "permit_number": "BLD2024-00999", "record_class":
     "certificate_of_occupancy", "status": "finaled", "status_phase": "closed"},
    {"source_record_id": "t4", "permit_number": "TV 2026 0001"},
    {"source_record_id": "t5", "permit_number": "A/7"},
    {"dataset": SAMPLETON, "source_record_id": "s1", "permit_number": "BLD2024-00123",
     "status": "applied", "status_phase": "open"},
    {"dataset": SAMPLETON, "source_record_id": "s2", "permit_number": "25-001234"},
]  # fmt: skip


@pytest.fixture
def seeded(store: Store) -> dict[str, str]:
    """Permit id by source record id."""
    return {record.source_record_id: record.id for record in store(*SEEDS)}


def get(client: TestClient, auth: dict[str, str], path: str) -> Any:
    return client.get(f"/v1/permits/by-number/{path}", headers=auth)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("BLD2024-00999", "t2"),  # the permit, not the certificate sharing its number
        ("bld2024-00999", "t2"),
        ("%20%20Bld2024-00999%20", "t2"),
        ("tv%20%202026%20%20%200001", "t4"),
        ("A%2F7", "t5"),
        ("25-001234", "s2"),
        ("BLD2024-00123?jurisdiction=sampleton-tx", "s1"),
        ("bld2024-00123?jurisdiction=testville-ny", "t1"),
    ],
)
def test_found_by_number(
    client: TestClient,
    auth: dict[str, str],
    seeded: dict[str, str],
    number: str,
    expected: str,
) -> None:
    response = get(client, auth, number)
    assert response.status_code == 200, response.text
    body = response.json()
    Permit.model_validate(body)
    assert body["id"] == seeded[expected]
    assert body["raw"] is not None


def test_number_in_several_jurisdictions_is_300_with_candidates_that_answer(
    client: TestClient, auth: dict[str, str], seeded: dict[str, str]
) -> None:
    for suffix in ("", "/status"):
        response = get(client, auth, f"bld2024-00123{suffix}")
        assert response.status_code == 300, response.text
        error = response.json()["error"]
        assert error["code"] == "ambiguous_permit_number"
        assert error["request_id"] == response.headers["x-request-id"]
        assert "jurisdiction=" in error["message"]
        candidates = error["candidates"]
        assert [(c["slug"], c["name"]) for c in candidates] == [
            ("sampleton-tx", "Sampleton"),
            ("testville-ny", "Testville"),
        ]
        answers = [client.get(c["url"], headers=auth) for c in candidates]
        assert [a.status_code for a in answers] == [200, 200]
        assert [a.json()["id"] for a in answers] == [seeded["s1"], seeded["t1"]]
        if suffix:
            PermitStatusView.model_validate(answers[0].json())


@pytest.mark.parametrize(
    ("number", "code", "mentioned"),
    [
        # the format of both jurisdictions' BLD numbers, but no such permit
        ("BLD2024-55555", "permit_not_found", ["testville-ny", "sampleton-tx"]),
        ("25-009999", "permit_not_found", ["sampleton-tx"]),
        # named jurisdictions are covered: what is missing is the permit
        ("25-001234?jurisdiction=testville-ny", "permit_not_found", ["sampleton-tx"]),
        ("25-001234?jurisdiction=emptyburg-ca", "permit_not_found", ["emptyburg-ca"]),
        ("ZZ%2099%2099", "jurisdiction_not_supported", ["/v1/jurisdictions/requests"]),
        ("BLD2024-00123?jurisdiction=atlantis-xx", "jurisdiction_not_found", ["atlantis-xx"]),
    ],
)
def test_not_found_says_why(
    client: TestClient,
    auth: dict[str, str],
    check_error: CheckError,
    seeded: dict[str, str],
    number: str,
    code: str,
    mentioned: list[str],
) -> None:
    for suffix in ("", "/status"):
        path, _, query = number.partition("?")
        response = get(client, auth, f"{path}{suffix}?{query}")
        error = check_error(response, 404, code)
        for text in mentioned:
            assert text in error["message"]


def test_formats_are_learned_from_the_data(
    client: TestClient, auth: dict[str, str], check_error: CheckError, store: Store
) -> None:
    store(*SEEDS)
    check_error(get(client, auth, "QX-77-B"), 404, "jurisdiction_not_supported")
    store({"dataset": "emptyburg-ca/building-permits", "permit_number": "QX-12-C"})
    error = check_error(get(client, auth, "QX-77-B"), 404, "permit_not_found")
    assert "Emptyburg (emptyburg-ca)" in error["message"]
    assert get(client, auth, "qx-12-c").status_code == 200


def test_bad_numbers_are_refused(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    for number in ("%20%20", "9" * 129):
        error = check_error(get(client, auth, number), 422, "invalid_parameter")
        assert error["details"][0]["loc"] == ["path", "permit_number"]


def test_status_view(
    client: TestClient, auth: dict[str, str], engine: Engine, seeded: dict[str, str]
) -> None:
    body = get(client, auth, "bld2024-00999/status").json()
    assert body["last_synced_at"] is None  # no sync logged yet
    synced = datetime(2026, 3, 18, 4, 30, tzinfo=UTC)
    with engine.begin() as conn:
        run_id = start_run(conn, "testville-ny/building-permits", mode="full",
                           cursor_before=None, now=synced)  # fmt: skip
        finish_run(conn, "testville-ny/building-permits", run_id=run_id, status="succeeded",
                   cursor_after=None, error=None, now=synced)  # fmt: skip
    before = datetime.now(UTC)
    body = get(client, auth, "bld2024-00999/status").json()
    after = datetime.now(UTC)
    PermitStatusView.model_validate(body)
    assert body["id"] == seeded["t2"]
    assert body["permit_number"] == "BLD2024-00999"
    assert (body["jurisdiction"], body["jurisdiction_display"]) == ("testville-ny", "Testville")
    assert (body["status"], body["status_phase"], body["status_raw"]) == (
        "finaled",
        "closed",
        "Final",
    )
    assert body["dates"]["issued"] == "2026-03-16"
    assert body["address"] == "1100 CONGRESS AVE"
    assert datetime.fromisoformat(body["last_synced_at"]) == synced
    freshness = body["data_freshness"]
    assert int((before - FETCHED).total_seconds()) <= freshness["age_seconds"]
    assert freshness["age_seconds"] <= (after - FETCHED).total_seconds()
    assert datetime.fromisoformat(freshness["fetched_at"]) == FETCHED
    assert (freshness["cached"], freshness["refresh_available"]) == (True, False)


def test_batch_status_answers_in_order(
    client: TestClient, auth: dict[str, str], seeded: dict[str, str]
) -> None:
    asked = [
        " bld2024-00999",
        "BLD2024-00123",
        {"permit_number": "BLD2024-00123", "jurisdiction": "sampleton-tx"},
        "25-009999",
        "ZZ 99 99",
        {"permit_number": "25-001234", "jurisdiction": "atlantis-xx"},
        "25-001234",
    ]
    response = client.post("/v1/permits/status", json={"permit_numbers": asked}, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    PermitStatusBatch.model_validate(body)
    assert [r["id"] for r in body["results"]] == [seeded["t2"], seeded["s1"], seeded["s2"]]
    errors = body["errors"]
    assert [(e["permit_number"], e["jurisdiction"], e["code"]) for e in errors] == [
        ("BLD2024-00123", None, "ambiguous_permit_number"),
        ("25-009999", None, "permit_not_found"),
        ("ZZ 99 99", None, "jurisdiction_not_supported"),
        ("25-001234", "atlantis-xx", "jurisdiction_not_found"),
    ]
    assert [e["jurisdiction_hint"] for e in errors] == [None, "sampleton-tx", None, None]
    candidates = errors[0]["candidates"]
    assert [c["slug"] for c in candidates] == ["sampleton-tx", "testville-ny"]
    assert client.get(candidates[1]["url"], headers=auth).json()["id"] == seeded["t1"]
    assert [e["candidates"] for e in errors[1:]] == [None, None, None]


@pytest.mark.parametrize(
    "body",
    [
        {"permit_numbers": []},
        {"permit_numbers": [f"BLD2024-{n:05d}" for n in range(26)]},
        {"permit_numbers": ["  "]},
        {"permit_numbers": [{"jurisdiction": "testville-ny"}]},
        {"numbers": ["BLD2024-00123"]},
        {},
    ],
)
def test_batch_status_limits(
    client: TestClient, auth: dict[str, str], check_error: CheckError, body: dict[str, Any]
) -> None:
    error = check_error(
        client.post("/v1/permits/status", json=body, headers=auth), 422, "invalid_parameter"
    )
    assert error["details"][0]["loc"][0] == "body"


def test_batch_status_takes_25(
    client: TestClient, auth: dict[str, str], seeded: dict[str, str]
) -> None:
    asked = ["BLD2024-00999"] * 25
    body = client.post("/v1/permits/status", json={"permit_numbers": asked}, headers=auth).json()
    assert [r["id"] for r in body["results"]] == [seeded["t2"]] * 25
    assert body["errors"] == []


def test_lookups_need_a_key(client: TestClient, check_error: CheckError) -> None:
    check_error(client.get("/v1/permits/by-number/X-1"), 401, "missing_api_key")
    check_error(client.get("/v1/permits/by-number/X-1/status"), 401, "missing_api_key")
    response = client.post("/v1/permits/status", json={"permit_numbers": ["X-1"]})
    check_error(response, 401, "missing_api_key")


def test_openapi_documents_the_300_and_its_candidates(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/v1/permits/by-number/{permit_number}",
        "/v1/permits/by-number/{permit_number}/status",
    ):
        responses = spec["paths"][path]["get"]["responses"]
        assert {"200", "300", "401", "404", "422"} <= set(responses)
        content = responses["300"]["content"]["application/json"]
        assert content["schema"]["$ref"].endswith("/ErrorEnvelope")  # the one envelope
        example = content["examples"]["ambiguous_permit_number"]["value"]["error"]
        assert [c["slug"] for c in example["candidates"]] == ["austin-tx", "denver-co"]
        assert set(responses["404"]["content"]["application/json"]["examples"]) == {
            "permit_not_found",
            "jurisdiction_not_supported",
            "jurisdiction_not_found",
        }
    body = spec["components"]["schemas"]["ErrorBody"]
    assert "candidates" in body["properties"]
