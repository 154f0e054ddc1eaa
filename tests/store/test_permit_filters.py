"""The search filters beyond the basics: geography, dates, numbers and people, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

import pytest
from sqlalchemy import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.permit_filters import Near, PermitQuery
from permitdb.store.permits import count_permits, search_permits, upsert_permits

MakeRecord = Callable[..., PermitRecord]
NOW = datetime(2026, 4, 1, tzinfo=UTC)
CENTER = (30.2747, -97.7404)  # (lat, lng) of the Texas Capitol
# (name, lat, lng): due east 800 m, due north 2 km, 5 km south-west, Chicago, and no point.
POINTS = {
    "center": CENTER,
    "east_800m": (CENTER[0], CENTER[1] + 800 / (111_320 * cos(radians(CENTER[0])))),
    "north_2km": (CENTER[0] + 2000 / 111_320, CENTER[1]),
    "southwest_5km": (CENTER[0] - 0.0318, CENTER[1] - 0.0368),
    "chicago": (41.9211, -87.6337),
}


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance: the reference the planar radius test must agree with."""
    (lat1, lng1), (lat2, lng2) = (tuple(map(radians, p)) for p in (a, b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lng2 - lng1) / 2) ** 2
    return 2 * 6_371_008.8 * asin(sqrt(h))


@pytest.fixture
def corpus(engine: Engine, austin: CatalogEntry, make_record: MakeRecord) -> None:
    records = [
        make_record(source_record_id=name, latitude=lat, longitude=lng)
        for name, (lat, lng) in POINTS.items()
    ]
    records += [
        make_record(
            source_record_id="nowhere",
            latitude=None,
            longitude=None,
            county_fips="48491",
            applied_date=date(2025, 1, 10),
            issued_date=date(2025, 4, 10),
            finaled_date=date(2025, 12, 1),
            expires_date=date(2026, 4, 10),
            fees=Decimal("5000"),
            housing_units=12,
            square_feet=15000,
            stories=4,
            status_raw="Final Inspection Passed",
            permit_type="Commercial Building",
            permit_type_desc="New multi-family",
            tags=["new_construction"],
            contractor_name="  ",
            contractor_license=None,
            owner_name="Travis Heights Housing LLC",
        ),
        make_record(
            source_record_id="undated",
            latitude=None,
            longitude=None,
            applied_date=None,
            issued_date=None,
            tags=["roofing"],
            contractor_name=None,
        ),
    ]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)


def found(engine: Engine, **filters: object) -> set[str]:
    query = PermitQuery(**filters)  # type: ignore[arg-type]
    with engine.connect() as conn:
        records, _ = search_permits(conn, query)
        count, exact = count_permits(conn, query)
    ids = {r.source_record_id for r in records}
    assert (count, exact) == (len(ids), True), "count and listing disagree"
    return ids


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("radius_m", [500.0, 1000.0, 2100.0, 6000.0])
def test_near_agrees_with_great_circle_distance(engine: Engine, radius_m: float) -> None:
    expected = {name for name, point in POINTS.items() if metres(CENTER, point) <= radius_m}
    assert found(engine, near=Near(CENTER[0], CENTER[1], radius_m)) == expected


# A triangle around the centre and the point east of it, with its apex north of the centre
# but south of the point 2 km north; and the same triangle with a hole around the centre.
TRIANGLE = ((-97.7450, 30.2700), (-97.7250, 30.2700), (-97.7400, 30.2850))
HOLE = ((-97.7410, 30.2740), (-97.7398, 30.2740), (-97.7398, 30.2754), (-97.7410, 30.2754))


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"bbox": (-97.75, 30.27, -97.73, 30.28)}, {"center", "east_800m"}),
        ({"bbox": (-98.0, 30.0, -97.0, 31.0)}, {*POINTS} - {"chicago"}),
        ({"polygon": (TRIANGLE,)}, {"center", "east_800m"}),
        ({"polygon": (TRIANGLE, HOLE)}, {"east_800m"}),
        ({"polygon": (TRIANGLE,), "bbox": (-97.74, 30.27, -97.70, 30.28)}, {"east_800m"}),
        ({"county_fips": ("48491",)}, {"nowhere"}),
        ({"county_fips": ("48453", "48491")}, {*POINTS, "nowhere", "undated"}),
    ],
)
def test_geography(engine: Engine, filters: dict[str, object], expected: set[str]) -> None:
    assert found(engine, **filters) == expected


DATED = {*POINTS}  # applied 2026-03-02, issued 2026-03-16 (the record factory's dates)


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"expires_from": date(2026, 4, 1), "expires_to": date(2026, 4, 30)}, {"nowhere"}),
        # earliest known date (filed or issued) on or after the bound
        ({"any_date_from": date(2026, 3, 2)}, DATED),
        ({"any_date_from": date(2026, 3, 3)}, set()),
        ({"any_date_from": date(2025, 1, 10)}, {*DATED, "nowhere"}),
        # latest known date (filed, issued or finaled) on or before the bound
        ({"any_date_to": date(2025, 12, 1)}, {"nowhere"}),
        ({"any_date_to": date(2026, 3, 15)}, {"nowhere"}),
        ({"any_date_to": date(2026, 3, 16)}, {*DATED, "nowhere"}),
        ({"min_fees": Decimal("1000")}, {"nowhere"}),
        ({"max_housing_units": 1}, {*DATED, "undated"}),
        ({"min_square_feet": 10_000, "max_square_feet": 15_000}, {"nowhere"}),
        ({"min_stories": 3}, {"nowhere"}),
        ({"min_approval_days": 15}, {"nowhere"}),  # 90 days; the others 14
        ({"max_approval_days": 14}, DATED),
        ({"min_construction_days": 1}, {"nowhere"}),
        ({"max_total_days": 324}, set()),
        ({"min_total_days": 325, "max_total_days": 325}, {"nowhere"}),
    ],
)
def test_dates_and_numbers(engine: Engine, filters: dict[str, object], expected: set[str]) -> None:
    assert found(engine, **filters) == expected


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"tags_any": ("roofing", "new_construction")}, {"nowhere", "undated"}),
        ({"tags_any": ("roofing", "solar"), "exclude_tags": ("battery",)}, {"undated"}),
        ({"permit_type_contains": "MULTI-fam"}, {"nowhere"}),  # in the type's description
        ({"permit_type_contains": "commercial"}, {"nowhere"}),
        ({"permit_type_contains": "%"}, set()),  # a wildcard is a literal character
        ({"status_raw": " final inspection PASSED"}, {"nowhere"}),
        ({"has_contractor": False}, {"nowhere", "undated"}),  # blank names count as none
        ({"has_contractor": True}, DATED),
        ({"contractor_license": "tecl 33521"}, {*DATED, "undated"}),
        ({"owner": "heights housing"}, {"nowhere"}),
    ],
)
def test_work_and_people(engine: Engine, filters: dict[str, object], expected: set[str]) -> None:
    assert found(engine, **filters) == expected
