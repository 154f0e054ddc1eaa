"""GET /v1/permits/{id}/history: the changes re-syncs saw, newest first, cursor-paged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # when the store fixture writes by default
STATUSES = ("applied", "in_review", "issued", "inspection", "finaled")


def versions(store: Store, *changes: dict[str, Any]) -> str:
    """Store one permit, then each of ``changes`` an hour apart; returns its id."""
    same = {"source_record_id": "H-1", "permit_number": "H-1"}
    (first,) = store({**same, "status": "applied"})
    for hour, change in enumerate(changes, start=1):
        store({**same, **change}, now=NOW + timedelta(hours=hour))
    return first.id


def test_history_lists_each_changed_field_newest_first(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    permit_id = versions(
        store,
        {"status": "issued", "valuation": Decimal("30000.00")},
        {"status": "issued", "valuation": Decimal("30000.00"), "tags": ["solar"]},
    )
    response = client.get(f"/v1/permits/{permit_id}/history", headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["permit_id"] == permit_id
    assert body["first_seen_at"].startswith(NOW.date().isoformat())
    assert body["change_count"] == 3
    assert body["next_cursor"] is None
    newest, *earlier = body["data"]
    assert (newest["field"], newest["old"], newest["new"]) == (
        "tags",
        ["solar", "battery", "electrical"],
        ["solar"],
    )
    assert {(c["field"], c["old"], c["new"]) for c in earlier} == {
        ("status", "applied", "issued"),
        ("valuation", 28500.0, 30000.0),
    }
    assert newest["observed_at"] > earlier[0]["observed_at"]
    assert body["returned"] == 3


def test_a_permit_never_changed_has_an_empty_history(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    (record,) = store({})
    body = client.get(f"/v1/permits/{record.id}/history", headers=auth).json()
    assert (body["data"], body["change_count"], body["next_cursor"]) == ([], 0, None)


def test_history_pages_with_a_signed_cursor(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    permit_id = versions(store, *({"status": status} for status in STATUSES[1:]))
    url = f"/v1/permits/{permit_id}/history"
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        body = client.get(url, params=params, headers=auth).json()
        assert body["change_count"] == 4
        seen += [change["new"] for change in body["data"]]
        if body["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": body["next_cursor"]}
    assert seen == ["finaled", "inspection", "issued", "in_review"]


def test_a_cursor_is_refused_for_another_permit_or_when_edited(
    client: TestClient, auth: dict[str, str], store: Store, check_error: CheckError
) -> None:
    permit_id = versions(store, {"status": "issued"}, {"status": "finaled"})
    (other,) = store({"source_record_id": "H-2", "permit_number": "H-2"})
    first = client.get(f"/v1/permits/{permit_id}/history?limit=1", headers=auth).json()
    cursor = first["next_cursor"]
    elsewhere = client.get(f"/v1/permits/{other.id}/history?cursor={cursor}", headers=auth)
    assert "another permit" in check_error(elsewhere, 400, "invalid_cursor")["message"]
    edited = client.get(f"/v1/permits/{permit_id}/history?cursor=x{cursor}", headers=auth)
    check_error(edited, 400, "invalid_cursor")


def test_unknown_permit_is_404_and_a_key_is_required(
    client: TestClient, auth: dict[str, str], check_error: CheckError
) -> None:
    missing = client.get("/v1/permits/no-such-permit/history", headers=auth)
    check_error(missing, 404, "permit_not_found")
    check_error(client.get("/v1/permits/no-such-permit/history"), 401, "missing_api_key")
