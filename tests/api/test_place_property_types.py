"""A place's metrics split by the property type of the parcel each permit joins: equal to the
split of the API's own permit answers (``property.property_type``), whichever of the permits
and the rolls is ingested first, with ``all`` the sum over the types (both engines)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.store import place_metrics
from permitdb.store.tables import place_metrics as rollups
from permitdb.vocabulary import PROPERTY_TYPES

Store = Callable[..., list[Any]]
CheckError = Callable[..., dict[str, Any]]
ROLLS = ("new-york-city-ny/pluto-tax-lots", "new-york-city-ny/dof-property-valuation")
NYC_PERMITS = (
    "new-york-city-ny/dob-now-approved-permits",
    "new-york-city-ny/dob-now-job-application-filings",
    "new-york-city-ny/dob-job-application-filings",
)
TESTVILLE = "jurisdiction-testville-ny"
SYNCED = datetime(2026, 3, 20, tzinfo=UTC)
# On the bundled PLUTO lots: 737 Clarence Ave (C0, walk-up: multi_family) by BBL in two
# spellings, 865 Vincent Ave (A-class house: single_family) by address, and lots no roll holds.
ON_LOTS: list[dict[str, Any]] = [
    {"parcel_id": "2-05480-0121", "state": "NY", "issued_date": date(2026, 1, 12)},
    {"parcel_id": "2054800121", "state": "NY", "issued_date": date(2026, 2, 3)},
    {"address_key": "865 VINCENT AVE|10465|NY", "state": "NY", "issued_date": date(2026, 1, 20)},
    {"parcel_id": "2054800121", "state": "NJ", "issued_date": date(2026, 1, 5)},
    {"parcel_id": "999", "state": "NY", "issued_date": date(2025, 11, 9)},
]


@pytest.fixture
def keys(make_key: Callable[..., str]) -> dict[str, str]:
    return {"X-API-Key": make_key(scopes=("places:read", "permits:read"))}


def answered_split(client: TestClient, keys: dict[str, str], geo_id: str) -> Counter[tuple]:
    """(month, property type) -> permits, from the place's permit answers."""
    split: Counter[tuple[str, str]] = Counter()
    params: dict[str, Any] = {"limit": 100}
    while True:
        response = client.get(f"/v1/places/{geo_id}/permits", params=params, headers=keys)
        assert response.status_code == 200, response.text
        body = response.json()
        for permit in body["data"]:
            day = permit["dates"]["issued"] or permit["dates"]["applied"]
            if permit["record_class"] != "permit" or day is None:
                continue
            joined = permit["property"]
            split[day[:8] + "01", joined["property_type"] if joined else "unknown"] += 1
        if body["next_cursor"] is None:
            return split
        params["cursor"] = body["next_cursor"]


def metrics_split(client: TestClient, keys: dict[str, str], geo_id: str) -> Counter[tuple]:
    """(month, property type) -> permit_count, from the metrics answers of every type."""
    split: Counter[tuple[str, str]] = Counter()
    for property_type in sorted(PROPERTY_TYPES):
        params = {"property_type": property_type}
        response = client.get(f"/v1/places/{geo_id}/metrics", params=params, headers=keys)
        assert response.status_code == 200, response.text
        for row in response.json()["data"]:
            split[row["month"], property_type] += row["permit_count"]
    every = client.get(f"/v1/places/{geo_id}/metrics", headers=keys).json()["data"]
    totals = Counter({row["month"]: row["permit_count"] for row in every})
    by_month: Counter[str] = Counter()
    for (month, _type), count in split.items():
        by_month[month] += count
    assert by_month == totals, "'all' is the sum over the property types"
    return split


def rollup_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.select(rollups).order_by(*rollups.c))]


def test_recorded_nyc_permits_split_by_the_recorded_rolls(
    client: TestClient, keys: dict[str, str], engine: Engine
) -> None:
    for slug in (*NYC_PERMITS, *ROLLS):
        assert ingest(engine, catalog_entry(slug)).status == "succeeded"
    geo_id = "jurisdiction-new-york-city-ny"
    answered = answered_split(client, keys, geo_id)
    assert sum(answered.values()) > 100
    assert metrics_split(client, keys, geo_id) == answered
    held = rollup_rows(engine)
    for slug in (*NYC_PERMITS, *ROLLS):
        again = ingest(engine, catalog_entry(slug), full=True)
        assert (again.status, again.inserted, again.updated) == ("succeeded", 0, 0)
    assert rollup_rows(engine) == held, "a re-ingest counts nothing twice"


@pytest.mark.parametrize("rolls_first", [False, True], ids=["rolls-after", "rolls-before"])
def test_permits_move_to_the_type_of_the_parcel_they_join(
    client: TestClient, keys: dict[str, str], engine: Engine, store: Store, rolls_first: bool
) -> None:
    if rolls_first:
        for slug in ROLLS:
            assert ingest(engine, catalog_entry(slug)).status == "succeeded"
    store(*ON_LOTS)
    with engine.begin() as conn:
        place_metrics.refresh(conn, "testville-ny/building-permits", now=SYNCED)
    if not rolls_first:
        before = metrics_split(client, keys, TESTVILLE)
        assert {t for _month, t in before} == {"unknown"}
        with engine.begin() as conn:  # a month no permit on the rolls' lots is in
            conn.execute(
                sa.update(rollups)
                .where(rollups.c.month == date(2025, 11, 1), rollups.c.months == 1)
                .values(active_contractors=rollups.c.active_contractors + 100)
            )
        for slug in ROLLS:
            assert ingest(engine, catalog_entry(slug)).status == "succeeded"
        with engine.connect() as conn:
            untouched = conn.execute(
                sa.select(rollups.c.active_contractors).where(
                    rollups.c.month == date(2025, 11, 1), rollups.c.months == 1
                )
            ).scalars()
            assert set(untouched) >= {100}, "the rolls' refresh rewrote only their permits' months"
    answered = answered_split(client, keys, TESTVILLE)
    assert {t for _month, t in answered} == {"multi_family", "single_family", "unknown"}
    assert metrics_split(client, keys, TESTVILLE) == answered
    held = rollup_rows(engine)
    for slug in ROLLS:
        again = ingest(engine, catalog_entry(slug), full=True)
        assert (again.status, again.inserted, again.updated) == ("succeeded", 0, 0)
    with engine.begin() as conn:
        assert place_metrics.refresh_parcels(conn, ROLLS[0], now=SYNCED).months == ()
    assert rollup_rows(engine) == held, "a re-ingest counts nothing twice"


def test_the_property_type_is_one_of_the_vocabulary(
    client: TestClient, keys: dict[str, str], store: Store, engine: Engine, check_error: CheckError
) -> None:
    store(*ON_LOTS)
    with engine.begin() as conn:
        place_metrics.refresh(conn, "testville-ny/building-permits", now=SYNCED)
    path = f"/v1/places/{TESTVILLE}/metrics"
    none = client.get(path, params={"property_type": "industrial"}, headers=keys)
    assert none.status_code == 200
    assert (none.json()["data"], none.json()["current"]) == ([], None)
    response = client.get(path, params={"property_type": "castle"}, headers=keys)
    check_error(response, 422, "invalid_parameter")
    listed = client.get("/openapi.json").json()["paths"]["/v1/places/{geo_id}/metrics"]["get"]
    [parameter] = [p for p in listed["parameters"] if p["name"] == "property_type"]
    schema = parameter["schema"]
    parts = schema.get("anyOf", [schema])
    listed_values = {value for part in parts for value in part.get("enum", [part.get("const")])}
    assert listed_values == PROPERTY_TYPES | {"all"}
