"""Keyset paging: every row once, in order, even when rows arrive between pages."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]
Walk = Callable[..., list[dict[str, Any]]]


def seed(store: Store, count: int, prefix: str = "r") -> list[str]:
    start = date(2026, 1, 1)
    records = store(
        *(
            {
                "source_record_id": f"{prefix}{n}",
                # three rows share each date, and every seventh has none (sorted last)
                "issued_date": None if n % 7 == 0 else start + timedelta(days=n // 3),
            }
            for n in range(count)
        )
    )
    return [r.id for r in records]


def test_pages_cover_every_row_once_in_order(
    client: TestClient, auth: dict[str, str], store: Store, walk: Walk
) -> None:
    ids = seed(store, 23)
    seen = walk(client, auth, "limit=4")
    assert sorted(p["id"] for p in seen) == sorted(ids)
    expected = sorted(
        seen,
        key=lambda p: (p["dates"]["issued"] is not None, p["dates"]["issued"] or "", p["id"]),
        reverse=True,
    )
    assert [p["id"] for p in seen] == [p["id"] for p in expected]


def test_rows_inserted_between_pages_cause_no_repeats_or_gaps(
    client: TestClient, auth: dict[str, str], store: Store, walk: Walk
) -> None:
    ids = seed(store, 12)
    first = client.get("/v1/permits?limit=5", headers=auth).json()
    # one newer than everything (before the cursor: not seen), one older (after it: seen)
    store(
        {"source_record_id": "new-top", "issued_date": date(2027, 1, 1)},
        {"source_record_id": "new-old", "issued_date": date(2020, 1, 1)},
    )
    rest = walk(client, auth, "limit=5", first["next_cursor"])
    seen = [p["id"] for p in first["data"] + rest]
    assert len(seen) == len(set(seen))
    numbers = {p["source"]["record_id"] for p in first["data"] + rest}
    assert "new-old" in numbers
    assert "new-top" not in numbers
    assert set(ids) <= set(seen)


def test_last_page_has_no_cursor(client: TestClient, auth: dict[str, str], store: Store) -> None:
    seed(store, 4)
    body = client.get("/v1/permits?limit=4", headers=auth).json()
    assert body["returned"] == 4
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    ("issued_for", "replayed_with", "said"),
    [
        ("state=TX", "state=NY", "different filters"),
        ("sort=filed_asc", "sort=filed_desc", "another sort"),
        ("sort=filed_asc", "sort=issued_asc", "another sort"),
        ("sort=filed_asc", "", "another sort"),
    ],
)
def test_cursor_with_other_filters_or_sort_is_refused(
    client: TestClient,
    auth: dict[str, str],
    store: Store,
    check_error: CheckError,
    issued_for: str,
    replayed_with: str,
    said: str,
) -> None:
    seed(store, 6)
    cursor = client.get(f"/v1/permits?limit=2&{issued_for}", headers=auth).json()["next_cursor"]
    assert client.get(f"/v1/permits?limit=3&{issued_for}&cursor={cursor}", headers=auth).is_success
    response = client.get(f"/v1/permits?limit=2&{replayed_with}&cursor={cursor}", headers=auth)
    assert said in check_error(response, 400, "invalid_cursor")["message"]


def test_tampered_cursor_is_refused(
    client: TestClient, auth: dict[str, str], store: Store, check_error: CheckError
) -> None:
    seed(store, 6)
    cursor = client.get("/v1/permits?limit=2", headers=auth).json()["next_cursor"]
    fields = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    fields[1] = "0" * len(fields[1])  # jump elsewhere in the listing
    forged = base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")
    for bad in (forged, cursor[:-3], "!!!", base64.urlsafe_b64encode(b'{"a": 1}').decode()):
        check_error(
            client.get(f"/v1/permits?limit=2&cursor={bad}", headers=auth), 400, "invalid_cursor"
        )


def test_a_sort_pages_in_its_order_with_nulls_last(
    client: TestClient, auth: dict[str, str], store: Store, walk: Walk
) -> None:
    store(
        *(
            {"source_record_id": f"v{n}", "valuation": None if n % 4 == 0 else Decimal(n % 3)}
            for n in range(14)
        )
    )
    seen = walk(client, auth, "limit=3&sort=valuation_asc")
    values = [p["valuation"] for p in seen]
    assert len({p["id"] for p in seen}) == 14
    assert values == sorted(values, key=lambda v: (v is None, v or 0))
    ids_of_ties = [p["id"] for p in seen if p["valuation"] == 1]
    assert ids_of_ties == sorted(ids_of_ties)


def test_offset_pages_carry_a_cursor_that_continues_them(
    client: TestClient, auth: dict[str, str], store: Store, check_error: CheckError, walk: Walk
) -> None:
    seed(store, 11)
    everything = [p["id"] for p in walk(client, auth, "limit=100&sort=issued_asc")]
    page = client.get("/v1/permits?limit=3&offset=4&sort=issued_asc", headers=auth).json()
    assert [p["id"] for p in page["data"]] == everything[4:7]
    rest = walk(client, auth, "limit=3&sort=issued_asc", page["next_cursor"])
    assert [p["id"] for p in rest] == everything[7:]
    both = client.get(f"/v1/permits?offset=3&cursor={page['next_cursor']}", headers=auth)
    error = check_error(both, 422, "invalid_parameter")
    assert error["details"][0]["loc"] == ["query", "offset"]
