"""Input no client should send answers 4xx in the envelope, on both engines: control
characters in any text parameter or path segment, times outside what UTC can hold, and
cursors that fail to verify or that verify but hold nonsense (forged with the secret, which
may be the published development default)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from permitdb.api import cursors
from permitdb.api.auth import SCOPES
from permitdb.settings import SigningSecrets

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]
MakeKey = Callable[..., str]
SECRET = SigningSecrets("api-test-secret")  # tests/api/conftest.py: what the app signs with
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# NUL, C0, ESC, DEL and a C1 control (NEL): none is stored in any value, on either engine.
CONTROLS = ("\x00", "\x01", "\x1b", "\x7f", "\x85")


@pytest.fixture
def every_scope(make_key: MakeKey) -> dict[str, str]:
    return {"X-API-Key": make_key(SCOPES)}


def text_parameters(app: FastAPI) -> Iterator[tuple[str, str, str]]:
    """(path, where, name) of every free-text parameter of every GET operation."""
    for path, methods in app.openapi()["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            options = schema.get("anyOf", [schema])
            items = [option.get("items", option) for option in options]
            if any("pattern" in item and item.get("type") == "string" for item in items):
                yield path, parameter["in"], parameter["name"]


def concrete(path: str, name: str | None = None, value: str = "") -> str:
    """``path`` with ``value`` for its parameter ``name`` and ``x`` for any other."""
    return "/".join(
        (value if segment == f"{{{name}}}" else "x") if segment.startswith("{") else segment
        for segment in path.split("/")
    )


def test_every_free_text_parameter_is_found(app: FastAPI) -> None:
    found = {(path, name) for path, _, name in text_parameters(app)}
    assert {
        ("/v1/permits", "q"),
        ("/v1/permits", "city"),
        ("/v1/permits", "cursor"),
        ("/v1/permits/{permit_id}", "permit_id"),
        ("/v1/permits/by-number/{permit_number}", "permit_number"),
        ("/v1/jurisdictions/{slug}", "slug"),
    } <= found


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_in_any_text_parameter_is_a_422(
    app: FastAPI,
    client: TestClient,
    every_scope: dict[str, str],
    check_error: CheckError,
    control: str,
) -> None:
    value = quote(f"ab{control}cd", safe="")
    for path, where, name in text_parameters(app):
        url = concrete(path, name, value) if where == "path" else f"{concrete(path)}?{name}={value}"
        error = check_error(client.get(url, headers=every_scope), 422, "invalid_parameter")
        assert error["details"][0]["loc"] == [where, name], url
        kind = "nul_character" if control == "\x00" else "control_character"
        assert error["details"][0]["type"] == kind
        assert "Remove it and retry" in error["message"]


def test_tabs_and_line_breaks_pasted_into_a_search_are_spacing(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    store({"description": "rooftop solar array"})
    response = client.get("/v1/permits", params={"q": "rooftop\tsolar\r\n"}, headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["returned"] == 1


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "0001-01-01T13:59:59+14:00",
        "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
        "9999-12-31T10:00:00-14:00",
    ],
)
def test_a_time_outside_utc_is_a_422_in_the_query_and_the_body(
    client: TestClient, auth: dict[str, str], check_error: CheckError, moment: str
) -> None:
    response = client.get("/v1/permits", params={"updated_since": moment}, headers=auth)
    error = check_error(response, 422, "invalid_parameter")
    assert error["details"][0]["loc"] == ["query", "updated_since"]
    assert "UTC" in error["message"]
    posted = client.post("/v1/permits/search", json={"updated_since": moment}, headers=auth)
    assert check_error(posted, 422, "invalid_parameter")["details"][0]["loc"][-1] == (
        "updated_since"
    )


@pytest.mark.parametrize(
    "query",
    [
        "updated_since=0001-01-01T00:00:00-14:00",
        "updated_since=0001-01-01T00:00:00",  # naive: read as UTC
        "updated_since=9999-12-31T23:59:59%2B14:00",
        "updated_since=9999-12-31T23:59:59.999999Z",
        "issued_from=0001-01-01&issued_to=9999-12-31",
        "any_date_from=0001-01-01&any_date_to=9999-12-31",
        "filed_to=9999-12-31&finaled_to=9999-12-31&expires_to=9999-12-31",
    ],
)
def test_the_edges_of_the_calendar_are_answered(
    client: TestClient, auth: dict[str, str], store: Store, query: str
) -> None:
    store({})
    response = client.get(f"/v1/permits?{query}", headers=auth)
    assert response.status_code == 200, response.text


def _decoded(cursor: str) -> list[Any]:
    fields: list[Any] = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return fields


def reforged(cursor: str, *position: Any) -> str:
    """``cursor``'s scope with ``position`` instead of its own, signed with the app's secret:
    what anyone holding the secret (the default one, say) can send."""
    scope = _decoded(cursor)[-2]
    return cursors.sign(list(position), scope, SECRET)


def _raw(fields: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()


@pytest.fixture
def permit_cursors(client: TestClient, auth: dict[str, str], store: Store) -> dict[str, str]:
    """A real next_cursor of /v1/permits for each sort value type (date, decimal, time)."""
    store({"valuation": 100}, {"valuation": 200}, {"valuation": 300})
    found = {}
    for sort in ("issued_desc", "valuation_asc", "updated_desc"):
        body = client.get("/v1/permits", params={"limit": 1, "sort": sort}, headers=auth).json()
        found[sort] = body["next_cursor"]
    return found


@pytest.mark.parametrize(
    ("sort", "value", "row_id"),
    [
        ("issued_desc", "not-a-date", "a"),
        ("issued_desc", "2026-02-30", "a"),
        ("valuation_asc", "NaN", "a"),
        ("valuation_asc", "Infinity", "a"),
        ("valuation_asc", "sNaN", "a"),
        ("valuation_asc", "1e999999999", "a"),  # PostgreSQL: "value overflows numeric format"
        ("valuation_asc", "100000000000000", "a"),  # 10^14: more than NUMERIC(16, 2) holds
        ("valuation_asc", "ten", "a"),
        ("updated_desc", "2026-03-01T00:00:00", "a"),  # no offset: not one we wrote
        ("updated_desc", "0001-01-01T00:00:00+14:00", "a"),
        ("updated_desc", "yesterday", "a"),
        ("issued_desc", "2026-03-01", None),
        ("issued_desc", "2026-03-01", "ab\x00cd"),
        ("issued_desc", "2026-03-01", "ab\x1bcd"),
    ],
)
def test_a_forged_permit_cursor_is_a_400(
    client: TestClient,
    auth: dict[str, str],
    check_error: CheckError,
    permit_cursors: dict[str, str],
    sort: str,
    value: str,
    row_id: str | None,
) -> None:
    forged = reforged(permit_cursors[sort], sort, value, row_id)
    response = client.get("/v1/permits", params={"sort": sort, "cursor": forged}, headers=auth)
    check_error(response, 400, "invalid_cursor")


def test_a_real_permit_cursor_still_pages(
    client: TestClient, auth: dict[str, str], permit_cursors: dict[str, str]
) -> None:
    for sort, cursor in permit_cursors.items():
        response = client.get("/v1/permits", params={"sort": sort, "cursor": cursor}, headers=auth)
        assert response.status_code == 200, response.text
        assert response.json()["returned"] == 2


@pytest.mark.parametrize(
    "cursor",
    [
        "W" * (cursors.MAX_CURSOR_LENGTH + 1),
        _raw("[" * 740),  # deep enough to exhaust the JSON parser's recursion in a request
        _raw(["a", "b", 3, "tag"]),
        _raw({"a": 1}),
        base64.urlsafe_b64encode(b"\xff\xfe[]").rstrip(b"=").decode(),
    ],
    ids=["too-long", "deep", "number", "object", "not-utf8"],
)
@pytest.mark.parametrize("listing", ["/v1/permits", "/v1/cities", "/v1/jurisdictions/requests"])
def test_a_cursor_that_decodes_to_nonsense_is_a_4xx(
    client: TestClient,
    every_scope: dict[str, str],
    check_error: CheckError,
    cursor: str,
    listing: str,
) -> None:
    response = client.get(listing, params={"cursor": cursor}, headers=every_scope)
    if listing == "/v1/permits" and len(cursor) > cursors.MAX_CURSOR_LENGTH:
        check_error(response, 422, "invalid_parameter")  # its parameter says so first
    else:
        check_error(response, 400, "invalid_cursor")


def test_a_forged_history_cursor_is_a_400(
    client: TestClient, auth: dict[str, str], store: Store, check_error: CheckError
) -> None:
    same = {"source_record_id": "H-1", "permit_number": "H-1"}
    (permit,) = store({**same, "status": "applied"})
    for hour, status in enumerate(("in_review", "issued", "finaled"), start=1):
        store({**same, "status": status}, now=NOW + timedelta(hours=hour))
    url = f"/v1/permits/{permit.id}/history"
    cursor = client.get(url, params={"limit": 1}, headers=auth).json()["next_cursor"]
    observed_at, change_id = _decoded(cursor)[:2]
    for position in (
        ["yesterday", change_id],
        [observed_at.replace("+00:00", ""), change_id],
        [observed_at, "one"],
        [observed_at, str(2**63)],  # beyond BIGINT: PostgreSQL would refuse the comparison
        [observed_at, "-1"],
        [observed_at, None],
    ):
        forged = reforged(cursor, *position)
        response = client.get(url, params={"cursor": forged}, headers=auth)
        check_error(response, 400, "invalid_cursor")
    assert client.get(url, params={"cursor": cursor}, headers=auth).status_code == 200


def test_a_forged_jurisdiction_requests_cursor_is_a_400(
    client: TestClient, make_key: MakeKey, check_error: CheckError
) -> None:
    url = "/v1/jurisdictions/requests"
    for name in ("Springfield", "Shelbyville"):
        key = {"X-API-Key": make_key()}
        client.post(url, json={"name": name, "state": "MO"}, headers=key)
    cursor = client.get(url, params={"limit": 1}, headers=key).json()["next_cursor"]
    count, request_id = _decoded(cursor)[:2]
    for position in ([str(10**30), request_id], [count, "1.5"], [count, "\x00"]):
        forged = reforged(cursor, *position)
        response = client.get(url, params={"cursor": forged}, headers=key)
        check_error(response, 400, "invalid_cursor")
    assert client.get(url, params={"cursor": cursor}, headers=key).status_code == 200
