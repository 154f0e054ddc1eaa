"""What a permit search asks (``PermitQuery``) and the WHERE clauses that answer it.

Every filter compiles to portable SQLAlchemy Core with bound parameters, so SQLite and
PostgreSQL give the same rows. Geography needs no spatial extension: a bounding box is two
index ranges, a radius is that box plus a planar distance test, and a polygon is its box plus
an even-odd ray-casting test written as arithmetic on the row's point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from math import cos, radians
from typing import Final

import sqlalchemy as sa

from permitdb.store import dialects, fulltext
from permitdb.store.new_construction import PARCEL, no_permit_behind
from permitdb.store.parcels import ParcelQuery, parcel_filters
from permitdb.store.sorts import DEFAULT_SORT, PermitSort
from permitdb.store.tables import parcels, permit_tags, permits

# Metres per degree of latitude; a degree of longitude is this times cos(latitude).
METRES_PER_DEGREE: Final = 111_320.0

Point = tuple[float, float]  # (longitude, latitude), GeoJSON order
Ring = tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Near:
    latitude: float
    longitude: float
    radius_m: float


@dataclass(frozen=True, slots=True)
class PermitQuery:
    """Filters of the permit listing; an empty tuple or None means "any"."""

    state: str | None = None
    city: tuple[str, ...] = ()  # compared case- and space-insensitively
    county_fips: tuple[str, ...] = ()
    zip: tuple[str, ...] = ()  # five digits
    jurisdiction: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    near: Near | None = None
    polygon: tuple[Ring, ...] = ()  # every ring of every polygon; even-odd rule
    record_class: tuple[str, ...] = ("permit",)  # () = all classes
    status: tuple[str, ...] = ()
    status_phase: tuple[str, ...] = ()
    status_raw: str | None = None  # exact, case-insensitive
    tags: tuple[str, ...] = ()  # ALL must match
    tags_any: tuple[str, ...] = ()  # at least one must match
    exclude_tags: tuple[str, ...] = ()  # none may match
    category: tuple[str, ...] = ()
    property_class: tuple[str, ...] = ()
    permit_type: str | None = None  # exact raw permit_type, case-insensitive
    permit_type_contains: str | None = None  # substring of permit_type or its description
    filed_from: date | None = None  # applied_date range, inclusive
    filed_to: date | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    finaled_from: date | None = None
    finaled_to: date | None = None
    expires_from: date | None = None
    expires_to: date | None = None
    any_date_from: date | None = None  # earliest of filed/issued on or after
    any_date_to: date | None = None  # latest of filed/issued/finaled on or before
    min_valuation: Decimal | None = None
    max_valuation: Decimal | None = None
    min_fees: Decimal | None = None
    max_fees: Decimal | None = None
    min_housing_units: int | None = None
    max_housing_units: int | None = None
    min_square_feet: int | None = None
    max_square_feet: int | None = None
    min_stories: int | None = None
    max_stories: int | None = None
    min_approval_days: int | None = None
    max_approval_days: int | None = None
    min_construction_days: int | None = None
    max_construction_days: int | None = None
    min_total_days: int | None = None
    max_total_days: int | None = None
    q: str | None = None  # store.fulltext syntax over description, number, address, contractor
    has_contractor: bool | None = None
    contractor: str | None = None  # case-insensitive substring of contractor_name
    contractor_license: str | None = None  # exact, case-insensitive
    owner: str | None = None  # case-insensitive substring of owner_name
    permit_number: str | None = None
    parcel_id: str | None = None
    address_key: str | None = None
    contractor_id: str | None = None  # the resolved contractor (store.contractor_queries)
    # (state, parcel_key, address_key) of a parcel: its permits, by key within the state or
    # by address (store.parcels); either key may be None
    on_parcel: tuple[str | None, str | None, str | None] | None = None
    # the permit's property must match these (a parcel joined as on_parcel); None: no filter
    property: ParcelQuery | None = None
    updated_since: datetime | None = None
    sort: PermitSort = DEFAULT_SORT
    limit: int = 100
    offset: int = 0  # rows skipped before the page (ad-hoc browsing; cursors scale better)


def permit_filters(
    dialect: sa.Dialect, query: PermitQuery, *, common_text: bool = False
) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of ``query``, ANDed by the caller."""
    c = permits.c
    where: list[sa.ColumnElement[bool]] = []
    for column, values in (
        (c.jurisdiction, query.jurisdiction),
        (c.record_class, query.record_class),
        (c.status, query.status),
        (c.status_phase, query.status_phase),
        (c.category, query.category),
        (c.property_class, query.property_class),
        (c.zip, query.zip),
        (c.county_fips, query.county_fips),
    ):
        if values:
            where.append(column.in_(values))
    for column, value in (
        (c.state, query.state.upper() if query.state else None),
        (c.permit_number, query.permit_number),
        (c.parcel_id, query.parcel_id),
        (c.address_key, query.address_key),
        (c.contractor_id, query.contractor_id),
    ):
        if value:
            where.append(column == value)
    if query.city:
        where.append(sa.func.lower(c.city).in_([city_key(city) for city in query.city]))
    for column, text in (
        (c.permit_type, query.permit_type),
        (c.status_raw, query.status_raw),
        (c.contractor_license, query.contractor_license),
    ):
        if text:
            where.append(sa.func.lower(column) == text.strip().lower())
    if query.on_parcel is not None:
        where.append(_on_parcel(*query.on_parcel))
    if query.property is not None:
        where.append(_property_matches(query.property))
    where.extend(_ranges(dialect, query))
    where.extend(_any_date(query))
    where.extend(_geography(query))
    if not query.record_class or PARCEL in query.record_class:
        where.append(no_permit_behind())
    where.extend(_has_tag(tag) for tag in query.tags)
    if query.tags_any:
        where.append(_has_tag(*query.tags_any))
    if query.exclude_tags:
        where.append(~_has_tag(*query.exclude_tags))
    words = parsed_text(query)
    if not words.is_empty:
        where.append(dialects.fulltext_match(dialect, words, common=common_text))
    if query.has_contractor is not None:
        named = sa.func.coalesce(sa.func.trim(c.contractor_name), "") != ""
        where.append(named if query.has_contractor else ~named)
    for column, text in (
        (c.contractor_name, query.contractor),
        (c.owner_name, query.owner),
    ):
        if text:
            where.append(column.icontains(text, autoescape=True))
    if query.permit_type_contains:
        where.append(
            sa.or_(
                c.permit_type.icontains(query.permit_type_contains, autoescape=True),
                c.permit_type_desc.icontains(query.permit_type_contains, autoescape=True),
            )
        )
    return where


def _on_parcel(
    state: str | None, parcel_key: str | None, address_key: str | None
) -> sa.ColumnElement[bool]:
    """A parcel's permits: the same parcel key in the same state, or the same address key
    (which carries state and ZIP); each side uses its own index."""
    c = permits.c
    sides = []
    if state and parcel_key:
        sides.append(sa.and_(c.state == state, c.parcel_key == parcel_key))
    if address_key:
        sides.append(c.address_key == address_key)
    return sa.or_(*sides) if sides else sa.false()


def _property_matches(wanted: ParcelQuery) -> sa.Exists:
    """Some parcel of the permit (its parcel key in its state, or its address) matches."""
    c, p = permits.c, parcels.c
    joined = sa.or_(
        sa.and_(p.state == c.state, p.parcel_key == c.parcel_key), p.address_key == c.address_key
    )
    return sa.exists().where(joined, *parcel_filters(wanted))


def parsed_text(query: PermitQuery) -> fulltext.FullTextQuery:
    """``q`` parsed; :class:`fulltext.FullTextSyntaxError` when it cannot be."""
    return fulltext.parse(query.q) if query.q else fulltext.FullTextQuery()


def city_key(city: str) -> str:
    """'  New   York ' and 'new york' name one city."""
    return " ".join(city.split()).lower()


def _ranges(dialect: sa.Dialect, query: PermitQuery) -> list[sa.ColumnElement[bool]]:
    c = permits.c
    days = dialects.days_between
    bounds: Sequence[tuple[sa.ColumnElement[object], object, object]] = (
        (c.applied_date, query.filed_from, query.filed_to),
        (c.issued_date, query.issued_from, query.issued_to),
        (c.finaled_date, query.finaled_from, query.finaled_to),
        (c.expires_date, query.expires_from, query.expires_to),
        (c.valuation, query.min_valuation, query.max_valuation),
        (c.fees, query.min_fees, query.max_fees),
        (c.housing_units, query.min_housing_units, query.max_housing_units),
        (c.square_feet, query.min_square_feet, query.max_square_feet),
        (c.stories, query.min_stories, query.max_stories),
        (c.updated_at, query.updated_since, None),
    )
    durations = (
        (c.applied_date, c.issued_date, query.min_approval_days, query.max_approval_days),
        (c.issued_date, c.finaled_date, query.min_construction_days, query.max_construction_days),
        (c.applied_date, c.finaled_date, query.min_total_days, query.max_total_days),
    )
    where: list[sa.ColumnElement[bool]] = []
    for column, low, high in bounds:
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    for start, end, low, high in durations:
        if low is None and high is None:
            continue
        # the API serves a negative span as unknown (null), so it never matches a range
        span = days(dialect, start, end)
        where.append(span >= (low if low is not None else 0))
        if high is not None:
            where.append(span <= high)
    return where


def _any_date(query: PermitQuery) -> list[sa.ColumnElement[bool]]:
    """Shovels' permit_from/permit_to: the earliest known date on or after ``from``, the
    latest on or before ``to``; a permit with none of the dates never matches."""
    c = permits.c
    where: list[sa.ColumnElement[bool]] = []
    for dates, bound, is_from in (
        ((c.applied_date, c.issued_date), query.any_date_from, True),
        ((c.applied_date, c.issued_date, c.finaled_date), query.any_date_to, False),
    ):
        if bound is None:
            continue
        where.append(sa.or_(*(column.is_not(None) for column in dates)))
        where.extend(
            sa.or_(column.is_(None), column >= bound if is_from else column <= bound)
            for column in dates
        )
    return where


def _geography(query: PermitQuery) -> list[sa.ColumnElement[bool]]:
    c = permits.c
    boxes: list[tuple[float, float, float, float]] = []
    if query.bbox is not None:
        boxes.append(query.bbox)
    if query.near is not None:
        boxes.append(_box_around(query.near))
    if query.polygon:
        points = [point for ring in query.polygon for point in ring]
        lngs, lats = [p[0] for p in points], [p[1] for p in points]
        boxes.append((min(lngs), min(lats), max(lngs), max(lats)))
    where: list[sa.ColumnElement[bool]] = []
    for west, south, east, north in boxes:
        where.append(c.latitude.between(south, north))
        where.append(c.longitude.between(west, east))
    if query.near is not None:
        where.append(_within(query.near))
    if query.polygon:
        where.append(_inside(query.polygon))
    return where


def _box_around(near: Near) -> tuple[float, float, float, float]:
    dlat = near.radius_m / METRES_PER_DEGREE
    dlng = dlat / max(cos(radians(near.latitude)), 1e-6)
    lat, lng = near.latitude, near.longitude
    return (lng - dlng, lat - dlat, lng + dlng, lat + dlat)


def _within(near: Near) -> sa.ColumnElement[bool]:
    """Planar distance on a local equirectangular projection: within 0.5 % of the great-circle
    distance below 50 km, and plain arithmetic, so both engines compute it the same way."""
    c = permits.c
    scale = cos(radians(near.latitude))
    dx = (c.longitude - near.longitude) * (scale * METRES_PER_DEGREE)
    dy = (c.latitude - near.latitude) * METRES_PER_DEGREE
    return dx * dx + dy * dy <= near.radius_m * near.radius_m


def _inside(rings: Sequence[Ring]) -> sa.ColumnElement[bool]:
    """Even-odd rule: a ray from the point towards +longitude crosses an odd number of edges.

    Each non-horizontal edge adds 1 when the point's latitude is within the edge's span and
    the point lies west of the edge there. Slopes are computed here, so SQL never divides.
    """
    c = permits.c
    crossings: list[sa.ColumnElement[int]] = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if y1 == y2:
                continue
            slope = (x2 - x1) / (y2 - y1)
            low, high = min(y1, y2), max(y1, y2)
            crosses = sa.and_(
                c.latitude >= low,
                c.latitude < high,
                c.longitude < (c.latitude - y1) * slope + x1,
            )
            crossings.append(sa.case((crosses, 1), else_=0))
    if not crossings:
        return sa.false()
    return sum(crossings[1:], crossings[0]) % 2 == 1


def _has_tag(*tags: str) -> sa.Exists:
    return sa.exists().where(permit_tags.c.permit_seq == permits.c.seq, permit_tags.c.tag.in_(tags))
