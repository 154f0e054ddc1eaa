"""The browse lists: counts equal the database's, paging walks each list once, filters narrow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine

from permitdb.api.schemas import places as lists
from permitdb.vocabulary import PROPERTY_CLASSES, STATUSES, TAGS

CheckError = Callable[..., dict[str, Any]]
Store = Callable[..., list[Any]]

SEEDS: list[dict[str, Any]] = [
    {"source_record_id": "1", "city": "BROOKLYN", "state": "NY", "zip": "11201",
     "status": "issued", "tags": ["solar", "electrical"], "property_class": "residential",
     "permit_type": "Electrical Permit"},
    {"source_record_id": "2", "city": "BROOKLYN", "state": "NY", "zip": "11211",
     "status": "finaled", "tags": ["roofing"], "property_class": "commercial",
     "permit_type": "Roofing"},
    {"source_record_id": "3", "city": "QUEENS", "state": "NY", "zip": "11101",
     "status": "issued", "tags": ["solar"], "permit_type": "Electrical Permit"},
    {"source_record_id": "4", "dataset": "sampleton-tx/building-permits", "city": "SAMPLETON",
     "state": "TX", "zip": "75001", "status": "applied", "tags": ["pool"],
     "record_class": "certificate_of_occupancy", "permit_type": "Pool"},
    {"source_record_id": "5", "city": None, "zip": None, "permit_type": None, "tags": []},
]  # fmt: skip

# endpoint -> (page model, SQL giving each item's key columns and count, the key columns)
LISTS: dict[str, tuple[type[BaseModel], str, tuple[str, ...]]] = {
    "/v1/states": (
        lists.StateList, "SELECT state, count(*) FROM permits GROUP BY state", ("state",)
    ),
    "/v1/cities": (
        lists.CityList,
        "SELECT state, city, count(*) FROM permits WHERE city IS NOT NULL GROUP BY state, city",
        ("state", "city"),
    ),
    "/v1/zips": (
        lists.ZipList,
        "SELECT state, zip, count(*) FROM permits WHERE zip IS NOT NULL GROUP BY state, zip",
        ("state", "zip"),
    ),
    "/v1/tags": (lists.TagList, "SELECT tag, count(*) FROM permit_tags GROUP BY tag", ("tag",)),
    "/v1/statuses": (
        lists.StatusList, "SELECT status, count(*) FROM permits GROUP BY status", ("status",)
    ),
    "/v1/property-classes": (
        lists.PropertyClassList,
        "SELECT property_class, count(*) FROM permits GROUP BY property_class",
        ("property_class",),
    ),
    "/v1/permit-types": (
        lists.PermitTypeList,
        "SELECT dataset, permit_type, count(*) FROM permits WHERE permit_type IS NOT NULL "
        "GROUP BY dataset, permit_type",
        ("dataset", "permit_type"),
    ),
}  # fmt: skip


@pytest.fixture
def seeded(store: Store) -> list[Any]:
    return store(*SEEDS)


def walk(client: TestClient, path: str, auth: dict[str, str], **params: Any) -> list[Any]:
    """Every item of a list, one page of ``limit`` at a time."""
    items: list[Any] = []
    cursor = None
    while True:
        paged = {**params, "cursor": cursor} if cursor else params
        response = client.get(path, params=paged, headers=auth)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["returned"] == len(body["data"]) <= params.get("limit", 100)
        items += body["data"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize("path", sorted(LISTS))
def test_counts_equal_the_database(
    client: TestClient, auth: dict[str, str], engine: Engine, seeded: list[Any], path: str
) -> None:
    model, sql, key = LISTS[path]
    body = client.get(path, headers=auth).json()
    model.model_validate(body)
    with engine.connect() as conn:
        expected = {tuple(row[:-1]): row[-1] for row in conn.execute(sa.text(sql))}
    listed = {tuple(item[k] for k in key): item["records"] for item in body["data"]}
    assert {k: n for k, n in listed.items() if n} == expected
    assert body["next_cursor"] is None


@pytest.mark.parametrize("path", sorted(LISTS))
def test_paging_walks_each_list_once(
    client: TestClient, auth: dict[str, str], seeded: list[Any], path: str
) -> None:
    whole = client.get(path, params={"limit": 1000}, headers=auth).json()["data"]
    assert walk(client, path, auth, limit=2) == whole
    assert len(whole) >= 3


def test_vocabulary_lists_hold_every_value_with_its_meaning(
    client: TestClient, auth: dict[str, str], seeded: list[Any]
) -> None:
    tags = client.get("/v1/tags", params={"limit": 1000}, headers=auth).json()["data"]
    assert {t["tag"] for t in tags} == TAGS
    assert (
        next(t for t in tags if t["tag"] == "solar")["meaning"] == "photovoltaic or solar thermal"
    )
    assert next(t for t in tags if t["tag"] == "adu")["records"] == 0
    statuses = client.get("/v1/statuses", headers=auth).json()["data"]
    assert {s["status"] for s in statuses} == STATUSES
    finaled = next(s for s in statuses if s["status"] == "finaled")
    assert (finaled["status_phase"], finaled["records"]) == ("closed", 1)
    classes = client.get("/v1/property-classes", headers=auth).json()["data"]
    assert {c["property_class"] for c in classes} == PROPERTY_CLASSES


def test_filters_narrow_the_lists(
    client: TestClient, auth: dict[str, str], seeded: list[Any]
) -> None:
    cities = client.get("/v1/cities", params={"state": "ny"}, headers=auth).json()["data"]
    assert cities == [
        {"city": "BROOKLYN", "state": "NY", "records": 2},
        {"city": "QUEENS", "state": "NY", "records": 1},
    ]
    zips = client.get("/v1/zips", params={"state": "TX"}, headers=auth).json()["data"]
    assert zips == [{"zip": "75001", "state": "TX", "records": 1}]
    types = client.get(
        "/v1/permit-types", params={"jurisdiction": "testville-ny"}, headers=auth
    ).json()["data"]
    assert [(t["permit_type"], t["records"]) for t in types] == [
        ("Electrical Permit", 2),
        ("Roofing", 1),
    ]
    # the tags the type alone earns, by the general rules (the test catalog maps no values)
    assert [t["tags"] for t in types] == [["electrical"], ["roofing"]]


def test_counts_follow_new_data(
    client: TestClient, auth: dict[str, str], store: Store, seeded: list[Any]
) -> None:
    def queens() -> list[Any]:
        found = client.get("/v1/cities", params={"state": "NY"}, headers=auth).json()["data"]
        return [c["records"] for c in found if c["city"] == "QUEENS"]

    assert queens() == [1]
    store({"source_record_id": "6", "city": "QUEENS", "state": "NY"})
    assert queens() == [2]


def test_cursor_is_bound_to_its_filters(
    client: TestClient, auth: dict[str, str], seeded: list[Any], check_error: CheckError
) -> None:
    first = client.get("/v1/cities", params={"state": "NY", "limit": 1}, headers=auth).json()
    cursor = first["next_cursor"]
    assert cursor is not None
    other = {"state": "TX", "limit": 1, "cursor": cursor}
    check_error(client.get("/v1/cities", params=other, headers=auth), 400, "invalid_cursor")
    edited = {"state": "NY", "cursor": cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")}
    check_error(client.get("/v1/cities", params=edited, headers=auth), 400, "invalid_cursor")


def test_bad_filters(
    client: TestClient, auth: dict[str, str], seeded: list[Any], check_error: CheckError
) -> None:
    check_error(
        client.get("/v1/cities", params={"state": "New York"}, headers=auth),
        422,
        "invalid_parameter",
    )
    error = check_error(
        client.get("/v1/permit-types", params={"jurisdiction": "testvile-ny"}, headers=auth),
        422,
        "unknown_jurisdiction",
    )
    assert error["details"][0]["nearest"][0] == "testville-ny"
