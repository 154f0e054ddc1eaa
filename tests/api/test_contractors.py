"""/v1/contractors on real data, both engines: search with every filter, paging, by id, a
batch, the licence verification, a contractor's permits and metrics, the permit's licence.

The data goes through the real pipeline: the Austin and Denver permit recordings and the
bundled CSLB licence sample, ingested through the replay portal, resolved into contractors at
ingest. No bundled permit names a contractor that a bundled licence board lists (0 of the
demo's 2,206 licences share a permit), so the licence paths get their permits the way an
operator would give them: ``permitdb contractors merge`` pins the licence ``LINKED_LICENSE``
to the Austin contractor ``LINKED_NAME`` (``services.contractor_pins.merge``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.api.conftest import MakeKey

from permitdb.catalog.load import load_catalog
from permitdb.ingest.run import ingest_catalog
from permitdb.services import contractor_pins as pins
from permitdb.services import contractors as service
from permitdb.sources.http import HttpClient
from permitdb.store.tables import contractor_licenses, contractors, permit_tags, permits
from permitdb.testing.portal import ReplayPortal

NOW: Final = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PERMIT_DATASETS: Final = (
    "austin-tx/issued-construction-permits",
    "denver-co/residential-construction-permits",
)
LICENSE_DATASET: Final = "california/cslb-license-master"
FLORIDA: Final = "florida/dbpr-construction-licensees"
CSLB: Final = "contractor-licenses/california/cslb-license-master-sample.csv"
LINKED_LICENSE: Final = "1000013"  # DESERT ELITE ELECTRIC INC, C10 (electrical)
LINKED_NAME: Final = (
    "DYNAMIC ELECTRIC INC"  # an Austin electrical contractor, as resolution names it
)
MISSING: Final = "ctr_" + "0" * 32  # shaped like a contractor id; no contractor has it


def _ingest(engine: Engine) -> None:
    entries = [e for e in load_catalog() if e.slug in (*PERMIT_DATASETS, LICENSE_DATASET, FLORIDA)]
    assert len(entries) == len(PERMIT_DATASETS) + 2
    with ReplayPortal(entries) as portal, HttpClient(origin_map=portal.origin_map) as client:
        summaries = ingest_catalog(engine, entries, client)
    assert all(s.status == "succeeded" for s in summaries), summaries


def _pin_the_linked_licence(engine: Engine) -> str:
    """An operator's merge: the licence's contractor into the Austin one; that one's id."""
    with engine.connect() as conn:
        licensed = conn.execute(
            sa.select(contractor_licenses.c.contractor_id).where(
                contractor_licenses.c.license_number == LINKED_LICENSE
            )
        ).scalar_one()
        linked = conn.execute(
            sa.select(contractors.c.id).where(
                contractors.c.name == LINKED_NAME, contractors.c.state == "TX"
            )
        ).scalar_one()
    pins.merge(engine, licensed, linked, now=NOW, note="the licence paths' permits")
    return str(linked)


@dataclass(frozen=True, slots=True)
class Data:
    linked: str  # the contractor LINKED_LICENSE is pinned to
    contractors: list[dict[str, Any]]  # every contractors row
    licenses: list[dict[str, Any]]  # every contractor_licenses row
    permits: list[dict[str, Any]]  # every permit with a contractor, with its tags


@pytest.fixture
def data(engine: Engine) -> Data:
    _ingest(engine)
    linked = _pin_the_linked_licence(engine)
    with engine.connect() as conn:
        tag_rows = conn.execute(sa.select(permit_tags.c.permit_seq, permit_tags.c.tag)).all()
        tags: dict[int, list[str]] = {}
        for seq, tag in tag_rows:
            tags.setdefault(seq, []).append(tag)
        permit_rows = [
            {**row, "tags": tags.get(row["seq"], [])}
            for row in conn.execute(
                sa.select(permits).where(permits.c.contractor_id.is_not(None))
            ).mappings()
        ]
        return Data(
            linked=linked,
            contractors=[dict(r) for r in conn.execute(sa.select(contractors)).mappings()],
            licenses=[dict(r) for r in conn.execute(sa.select(contractor_licenses)).mappings()],
            permits=permit_rows,
        )


@pytest.fixture
def headers(make_key: MakeKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(['contractors:read'])}"}


Walk = Callable[..., list[dict[str, Any]]]


def walk(client: TestClient, headers: dict[str, str], url: str) -> list[dict[str, Any]]:
    """Every item of ``url``, following ``next_cursor`` to the end."""
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        joiner = "&" if "?" in url else "?"
        response = client.get(url + (f"{joiner}cursor={cursor}" if cursor else ""), headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["returned"] == len(body["data"])
        seen.extend(body["data"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


def listing_order(rows: list[dict[str, Any]]) -> list[str]:
    """Ids by last_permit_date descending (NULLs last), then id descending."""
    by_id = sorted(rows, key=lambda r: r["id"], reverse=True)
    ordered = sorted(
        by_id,
        key=lambda r: (
            r["last_permit_date"] is None,
            -(r["last_permit_date"] or date.min).toordinal(),
        ),
    )
    return [r["id"] for r in ordered]


def _in_window(permit: dict[str, Any], start: date, end: date) -> bool:
    """Shovels' permit_from/permit_to, as docs/api.md states it."""
    starts = [permit["applied_date"], permit["issued_date"]]
    ends = [*starts, permit["finaled_date"]]
    return (
        any(d is not None for d in starts)
        and all(d is None or d >= start for d in starts)
        and any(d is not None for d in ends)
        and all(d is None or d <= end for d in ends)
    )


Check = Callable[[dict[str, Any], Data], bool]


def _licenses(row: dict[str, Any], data: Data) -> list[dict[str, Any]]:
    return [lic for lic in data.licenses if lic["contractor_id"] == row["id"]]


def _permits(row: dict[str, Any], data: Data) -> list[dict[str, Any]]:
    return [p for p in data.permits if p["contractor_id"] == row["id"]]


WINDOW: Final = (date(2026, 2, 1), date(2026, 9, 10))
FILTERS: Final[list[tuple[str, Check]]] = [
    ("state=co", lambda r, d: r["state"] == "CO"),
    ("city=simi%20valley", lambda r, d: (r["city"] or "").lower() == "simi valley"),
    ("county=06111", lambda r, d: r["county_fips"] == "06111"),
    ("county=Ventura&state=CA", lambda r, d: r["county_fips"] == "06111"),
    ("zip=93063&zip=92821", lambda r, d: r["zip"] in ("93063", "92821")),
    ("geo_id=state-co", lambda r, d: r["state"] == "CO"),
    ("geo_id=county-06111", lambda r, d: r["county_fips"] == "06111"),
    ("geo_id=zip-93063", lambda r, d: r["zip"] == "93063"),
    ("name=ELECTRIC", lambda r, d: "electric" in r["name"].lower()),
    (
        "license=1000-001",
        lambda r, d: any(lic["license_key"] == "1000001" for lic in _licenses(r, d)),
    ),
    (
        "license_status=suspended",
        lambda r, d: any(lic["status"] == "suspended" for lic in _licenses(r, d)),
    ),
    (
        "license_type=contractor",
        lambda r, d: any(
            (lic["license_type"] or "").lower() == "contractor" for lic in _licenses(r, d)
        ),
    ),
    (
        "classification=electrical",
        lambda r, d: any("Electrical" in lic["classifications"] for lic in _licenses(r, d)),
    ),
    (
        "license_status=active&classification=certified%20building%20contractor",
        lambda r, d: any(
            lic["status"] == "active" and "Certified Building Contractor" in lic["classifications"]
            for lic in _licenses(r, d)
        ),
    ),
    ("classification_derived=electrical", lambda r, d: "electrical" in r["classification_derived"]),
    (
        "classification_derived=-electrical",
        lambda r, d: "electrical" not in r["classification_derived"],
    ),
    ("tags=plumbing", lambda r, d: any("plumbing" in p["tags"] for p in _permits(r, d))),
    (
        "tags=-new_construction",
        lambda r, d: any("new_construction" not in p["tags"] for p in _permits(r, d)),
    ),
    (
        f"permit_from={WINDOW[0]}&permit_to={WINDOW[1]}",
        lambda r, d: any(_in_window(p, *WINDOW) for p in _permits(r, d)),
    ),
    ("permit_status=issued", lambda r, d: any(p["status"] == "issued" for p in _permits(r, d))),
    (
        "permit_min_job_value=50000",
        lambda r, d: any((p["valuation"] or 0) >= 50000 for p in _permits(r, d)),
    ),
    ("permit_min_fees=500", lambda r, d: any((p["fees"] or 0) >= 500 for p in _permits(r, d))),
    (
        "permit_min_approval_days=30",
        lambda r, d: any(
            p["applied_date"]
            and p["issued_date"]
            and (p["issued_date"] - p["applied_date"]).days >= 30
            for p in _permits(r, d)
        ),
    ),
    ("min_permit_count=2", lambda r, d: r["permit_count"] >= 2),
    (
        "min_total_job_value=100000",
        lambda r, d: r["total_job_value"] is not None and r["total_job_value"] >= 100000,
    ),
]


@pytest.mark.parametrize(("query", "check"), FILTERS, ids=[q for q, _ in FILTERS])
def test_each_filter_answers_exactly_the_contractors_it_names(
    client: TestClient, headers: dict[str, str], data: Data, query: str, check: Check
) -> None:
    expected = [r for r in data.contractors if check(r, data)]
    assert 0 < len(expected) < len(data.contractors), "the data must make the filter bite"
    found = walk(client, headers, f"/v1/contractors?limit=25&{query}")
    assert [c["id"] for c in found] == listing_order(expected)


def test_permit_q_finds_the_contractors_of_the_permits_q_finds(
    client: TestClient, make_key: MakeKey, data: Data
) -> None:
    headers = {"Authorization": f"Bearer {make_key(['contractors:read', 'permits:read'])}"}
    for q in ("electrical", "remodel -kitchen"):
        matched = walk(client, headers, f"/v1/permits?limit=50&q={q}")
        expected = {p["contractor_id"] for p in matched} - {None}
        assert expected, q
        found = walk(client, headers, f"/v1/contractors?permit_q={q}")
        assert {c["id"] for c in found} == expected


def test_search_pages_every_contractor_once_most_recent_permit_first(
    client: TestClient, headers: dict[str, str], data: Data
) -> None:
    found = walk(client, headers, "/v1/contractors?limit=7")
    assert [c["id"] for c in found] == listing_order(data.contractors)
    with_permits = [c for c in found if c["permit_count"]]
    assert with_permits
    assert found[: len(with_permits)] == with_permits


def test_a_cursor_is_refused_with_other_filters(
    client: TestClient, headers: dict[str, str], data: Data, check_error: Callable[..., Any]
) -> None:
    first = client.get("/v1/contractors?limit=1&state=TX", headers=headers).json()
    assert first["next_cursor"]
    url = f"/v1/contractors?limit=1&state=CO&cursor={first['next_cursor']}"
    check_error(client.get(url, headers=headers), 400, "invalid_cursor")


def test_one_contractor_with_its_licences_and_the_404(
    client: TestClient, headers: dict[str, str], data: Data, check_error: Callable[..., Any]
) -> None:
    linked = data.linked
    body = client.get(f"/v1/contractors/{linked}", headers=headers).json()
    row = next(r for r in data.contractors if r["id"] == linked)
    assert body["name"] == LINKED_NAME
    assert body["permit_count"] == row["permit_count"]
    assert [lic["number"] for lic in body["licenses"]] == [LINKED_LICENSE]
    assert body["license"] == LINKED_LICENSE
    assert body["license_state"] == "CA"
    licence = body["licenses"][0]
    stored = next(lic for lic in data.licenses if lic["license_number"] == LINKED_LICENSE)
    assert licence["bond"] == {
        "company": stored["bond_company"],
        "amount": float(stored["bond_amount"]),
        "expires": None,
    }
    assert licence["classifications"] == stored["classifications"]
    assert licence["workers_comp"]["exempt"] == stored["workers_comp_exempt"]
    error = check_error(
        client.get(f"/v1/contractors/{MISSING}", headers=headers), 404, "contractor_not_found"
    )
    assert "/v1/contractors" in error["message"]


def test_a_batch_by_ids_answers_in_the_order_asked(
    client: TestClient, headers: dict[str, str], data: Data
) -> None:
    asked = [
        data.contractors[3]["id"],
        MISSING,
        data.contractors[0]["id"],
        data.contractors[3]["id"],
    ]
    by_get = client.get("/v1/contractors?" + "&".join(f"id={i}" for i in asked), headers=headers)
    by_post = client.post("/v1/contractors/batch", json={"ids": asked}, headers=headers)
    for response in (by_get, by_post):
        body = response.json()
        assert [c["id"] for c in body["data"]] == [asked[0], asked[2]]
        assert body["not_found"] == [MISSING]
        assert body["next_cursor"] is None


def test_an_id_of_no_contractor_id_shape_is_refused_as_the_document_says(
    client: TestClient, headers: dict[str, str], data: Data, check_error: Callable[..., Any]
) -> None:
    """The document's id pattern is what the server takes: an id of another shape (here with a
    NUL, which PostgreSQL cannot compare) is a 422, in a batch's body or query; a path naming
    no contractor is a 404 whatever its shape."""
    document = client.get("/openapi.json").json()
    pattern = document["components"]["schemas"]["ContractorIds"]["properties"]["ids"]["items"]
    assert pattern == {"type": "string", "pattern": "^ctr_[0-9a-f]{32}$"}
    for bad in ("c_nope", MISSING.upper(), MISSING[:-1] + "\\u0000"):
        response = client.post(
            "/v1/contractors/batch",
            content=f'{{"ids": ["{data.contractors[0]["id"]}", "{bad}"]}}',
            headers={**headers, "Content-Type": "application/json"},
        )
        error = check_error(response, 422, "invalid_parameter")
        assert error["details"][0]["loc"][0] == "body", error
    check_error(client.get("/v1/contractors?id=c_nope", headers=headers), 422, "invalid_parameter")
    check_error(client.get("/v1/contractors/c_nope", headers=headers), 404, "contractor_not_found")


def test_a_batch_of_51_ids_or_ids_with_filters_is_refused(
    client: TestClient, headers: dict[str, str], data: Data, check_error: Callable[..., Any]
) -> None:
    ids = [f"ctr_{n:032x}" for n in range(51)]
    query = "&".join(f"id={i}" for i in ids)
    check_error(client.get(f"/v1/contractors?{query}", headers=headers), 422, "invalid_parameter")
    response = client.post("/v1/contractors/batch", json={"ids": ids}, headers=headers)
    check_error(response, 422, "invalid_parameter")
    response = client.get(f"/v1/contractors?id={ids[0]}&state=TX", headers=headers)
    assert "state" in check_error(response, 422, "invalid_parameter")["message"]


def test_a_key_without_the_contractors_scope_is_refused(
    client: TestClient, make_key: MakeKey, data: Data, check_error: Callable[..., Any]
) -> None:
    headers = {"Authorization": f"Bearer {make_key(['parcels:read'])}"}
    check_error(client.get("/v1/contractors", headers=headers), 403, "insufficient_scope")


def test_by_license_verifies_a_licence_like_permitflow(
    client: TestClient, headers: dict[str, str], data: Data, check_error: Callable[..., Any]
) -> None:
    licence = next(lic for lic in data.licenses if lic["license_number"] == LINKED_LICENSE)
    for spelled in (LINKED_LICENSE, "1000-013", "1000 013"):
        body = client.get(f"/v1/contractors/by-license/{spelled}?state=ca", headers=headers).json()
        assert body["license_number"] == LINKED_LICENSE
        assert body["state"] == "CA"
        assert body["status"] == licence["status"]
        assert body["expires"] == licence["expires_date"].isoformat()
        assert body["classifications"] == licence["classifications"]
        assert body["bond"]["company"] == licence["bond_company"]
        assert body["contractor_id"] == data.linked
        assert body["name"] == LINKED_NAME
    suspended = next(lic for lic in data.licenses if lic["status"] == "suspended")
    body = client.get(f"/v1/contractors/by-license/{suspended['license_number']}", headers=headers)
    assert body.json()["status"] == "suspended"
    assert body.json()["permits_last_90d"] == 0
    missing = client.get("/v1/contractors/by-license/9999999", headers=headers)
    check_error(missing, 404, "license_not_found")
    other_state = client.get(
        f"/v1/contractors/by-license/{LINKED_LICENSE}?state=TX", headers=headers
    )
    check_error(other_state, 404, "license_not_found")


def test_permits_last_90d_counts_the_contractors_permits_of_the_last_90_days(
    engine: Engine, data: Data
) -> None:
    mine = [p for p in data.permits if p["contractor_id"] == data.linked]
    latest = max(p["issued_date"] or p["applied_date"] for p in mine)
    for today in (latest, latest + timedelta(days=91), latest + timedelta(days=30)):
        since = today - timedelta(days=90)
        expected = sum(1 for p in mine if (p["issued_date"] or p["applied_date"]) >= since)
        found = service.by_license(engine, LINKED_LICENSE, state="CA", today=today)
        assert isinstance(found, service.LicenseMatch)
        assert found.permits_last_90d == expected
    assert expected > 0  # the last case counts the latest permit


def test_a_contractors_permits_page_newest_first_as_v1_permits_serves_them(
    client: TestClient, make_key: MakeKey, data: Data, check_error: Callable[..., Any]
) -> None:
    headers = {"Authorization": f"Bearer {make_key(['contractors:read', 'permits:read'])}"}
    busiest = max(data.contractors, key=lambda r: (r["permit_count"], r["id"]))
    assert busiest["permit_count"] >= 2
    found = walk(client, headers, f"/v1/contractors/{busiest['id']}/permits?limit=1")
    mine = [p for p in data.permits if p["contractor_id"] == busiest["id"]]
    mine.sort(key=lambda p: p["id"], reverse=True)
    mine.sort(key=lambda p: (p["issued_date"] is None, -(p["issued_date"] or date.min).toordinal()))
    assert [p["id"] for p in found] == [p["id"] for p in mine]
    same = client.get(f"/v1/permits/{found[0]['id']}", headers=headers).json()
    assert found[0] == {k: v for k, v in same.items() if k != "raw"}
    check_error(
        client.get(f"/v1/contractors/{MISSING}/permits", headers=headers),
        404,
        "contractor_not_found",
    )


def test_a_permit_carries_its_contractor_and_licence(
    client: TestClient, make_key: MakeKey, data: Data
) -> None:
    headers = {"Authorization": f"Bearer {make_key(['permits:read'])}"}
    linked = data.linked
    stored = next(lic for lic in data.licenses if lic["license_number"] == LINKED_LICENSE)
    page = walk(client, headers, "/v1/permits?limit=5&record_class=all")
    by_contractor = {p["contractor_id"] for p in page}
    assert linked in by_contractor
    assert len(by_contractor) > 1
    for permit in page:
        if permit["contractor_id"] == linked:
            licence = permit["contractor_license"]
            assert licence == {
                "number": LINKED_LICENSE,
                "state": "CA",
                "status": stored["status"],
                "expires": stored["expires_date"].isoformat(),
                "classifications": stored["classifications"],
            }
            single = client.get(f"/v1/permits/{permit['id']}", headers=headers).json()
            assert single["contractor_license"] == licence
            by_number = f"/v1/permits/by-number/{permit['permit_number']}?jurisdiction=austin-tx"
            assert client.get(by_number, headers=headers).json()["contractor_license"] == licence
        else:
            assert permit["contractor_license"] is None


def _sums(permits_of: list[dict[str, Any]]) -> tuple[int, float]:
    values = [float(p["valuation"]) for p in permits_of if p["valuation"] is not None]
    return len(permits_of), round(sum(values), 2)


def test_metrics_sum_what_an_aggregate_over_the_same_permits_sums(
    client: TestClient, headers: dict[str, str], data: Data, check_error: Callable[..., Any]
) -> None:
    valued = [r for r in data.contractors if r["total_job_value"]]
    busiest = max(valued, key=lambda r: (r["permit_count"], r["id"]))
    mine = [
        p
        for p in data.permits
        if p["contractor_id"] == busiest["id"] and p["record_class"] == "permit"
    ]
    body = client.get(f"/v1/contractors/{busiest['id']}/metrics", headers=headers).json()
    count, total = _sums(mine)
    assert (body["lifetime"]["permit_count"], body["lifetime"]["total_job_value"]) == (count, total)
    months: dict[str, list[dict[str, Any]]] = {}
    for p in mine:
        day = p["issued_date"] or p["applied_date"]
        months.setdefault(day.strftime("%Y-%m"), []).append(p)
    assert [m["month"] for m in body["monthly"]] == sorted(months)
    for month in body["monthly"]:
        assert (month["permit_count"], month["total_job_value"] or 0) == _sums(
            months[month["month"]]
        )
    tags = Counter(t for p in mine for t in p["tags"])
    assert {t["tag"]: t["permit_count"] for t in body["by_tag"]} == dict(tags)
    per_month_tag = Counter(
        ((p["issued_date"] or p["applied_date"]).strftime("%Y-%m"), t)
        for p in mine
        for t in p["tags"]
    )
    assert {
        (m["month"], m["tag"]): m["permit_count"] for m in body["monthly_by_tag"]
    } == per_month_tag
    check_error(
        client.get(f"/v1/contractors/{MISSING}/metrics", headers=headers),
        404,
        "contractor_not_found",
    )


def test_metrics_keep_to_the_window_and_the_tag(
    client: TestClient, headers: dict[str, str], data: Data
) -> None:
    dated = [p for p in data.permits if p["record_class"] == "permit"]
    counts = Counter(p["contractor_id"] for p in dated)
    cid = max(counts, key=lambda c: (counts[c], c))
    mine = [p for p in dated if p["contractor_id"] == cid]
    days = sorted(p["issued_date"] or p["applied_date"] for p in mine)
    start, end = days[0] + timedelta(days=1), days[-1]
    tag = Counter(t for p in mine for t in p["tags"]).most_common(1)[0][0]
    url = f"/v1/contractors/{cid}/metrics?metric_from={start}&metric_to={end}&tag={tag}"
    body = client.get(url, headers=headers).json()
    inside = [
        p
        for p in mine
        if start <= (p["issued_date"] or p["applied_date"]) <= end and tag in p["tags"]
    ]
    assert sum(m["permit_count"] for m in body["monthly"]) == len(inside)
    assert body["lifetime"]["permit_count"] == len(mine)  # lifetime ignores the window
    assert {t["tag"] for t in body["by_tag"]} >= ({tag} if inside else set())


@pytest.mark.parametrize("geo_id", ["city-tx-austin", "jurisdiction-austin-tx", "nowhere"])
def test_a_geo_id_that_places_no_business_address_is_refused(
    client: TestClient, headers: dict[str, str], check_error: Callable[..., Any], geo_id: str
) -> None:
    response = client.get(f"/v1/contractors?geo_id={geo_id}", headers=headers)
    check_error(response, 422, "invalid_parameter")
    assert response.json()["error"]["details"][0]["loc"] == ["query", "geo_id"]
