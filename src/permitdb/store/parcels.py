"""Parcels (properties): the page write of an assessor roll, and the queries that serve them.

A roll keeps no history: a changed row replaces the stored one (``store.records``). Permits
find their parcel by ``parcel_key`` within a state, else by ``address_key`` (both indexed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy import Connection, RowMapping

from permitdb.canonical import PARCEL_FIELD_NAMES, ParcelRecord, PermitRecord
from permitdb.normalize.parcel_keys import parcel_key
from permitdb.store.records import UpsertCounts, chunks, upsert_records
from permitdb.store.tables import parcels


def upsert_parcels(
    conn: Connection, records: Sequence[ParcelRecord], *, now: datetime, run_id: int | None
) -> UpsertCounts:
    """Write a page of parcels by (dataset, source_record_id); ``run_id`` is not kept."""
    del run_id  # a parcel row keeps no per-run history
    return upsert_records(conn, parcels, records, now=now)


@dataclass(frozen=True, slots=True)
class ParcelQuery:
    """What ``GET /v1/parcels`` filters on; every range is inclusive and every filter ANDed."""

    state: str | None = None
    county_fips: tuple[str, ...] = ()
    city: str | None = None  # the situs city, compared case-insensitively
    jurisdiction: tuple[str, ...] = ()
    use_code: str | None = None  # the raw land-use / class code, exact, case-insensitive
    property_type: tuple[str, ...] = ()
    parcel_id: str | None = None  # any spelling: compared by parcel key
    owner: str | None = None  # case-insensitive substring of owner_name
    year_built_from: int | None = None
    year_built_to: int | None = None
    sale_date_from: date | None = None
    sale_date_to: date | None = None
    min_assessed_value: Decimal | None = None
    max_assessed_value: Decimal | None = None
    min_market_value: Decimal | None = None
    max_market_value: Decimal | None = None
    min_building_area: int | None = None
    max_building_area: int | None = None
    min_lot_size: int | None = None
    max_lot_size: int | None = None
    min_stories: int | None = None
    max_stories: int | None = None
    min_units: int | None = None
    max_units: int | None = None


# (range low filter, range high filter, column)
_RANGES: Final = (
    ("year_built_from", "year_built_to", parcels.c.year_built),
    ("sale_date_from", "sale_date_to", parcels.c.sale_date),
    ("min_assessed_value", "max_assessed_value", parcels.c.assessed_value),
    ("min_market_value", "max_market_value", parcels.c.market_value),
    ("min_building_area", "max_building_area", parcels.c.building_area_sqft),
    ("min_lot_size", "max_lot_size", parcels.c.lot_size_sqft),
    ("min_stories", "max_stories", parcels.c.stories),
    ("min_units", "max_units", parcels.c.units),
)


def parcel_filters(query: ParcelQuery) -> list[sa.ColumnElement[bool]]:
    c = parcels.c
    where: list[sa.ColumnElement[bool]] = []
    for column, values in (
        (c.county_fips, query.county_fips),
        (c.jurisdiction, query.jurisdiction),
        (c.property_type, query.property_type),
    ):
        if values:
            where.append(column.in_(values))
    if query.state:
        where.append(c.state == query.state.upper())
    if query.parcel_id:
        where.append(c.parcel_key == (parcel_key(query.parcel_id) or ""))
    for column, text in ((c.city, query.city), (c.land_use_raw, query.use_code)):
        if text:
            where.append(sa.func.lower(column) == text.strip().lower())
    if query.owner:
        where.append(c.owner_name.icontains(query.owner, autoescape=True))
    for low_name, high_name, column in _RANGES:
        low, high = getattr(query, low_name), getattr(query, high_name)
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    return where


def search_parcels(
    conn: Connection, query: ParcelQuery, *, limit: int, after_id: str | None
) -> tuple[list[ParcelRecord], str | None]:
    """One page ordered by id (keyset: after ``after_id``), and the id to continue after."""
    where = parcel_filters(query)
    if after_id is not None:
        where.append(parcels.c.id > after_id)
    statement = sa.select(parcels).where(*where).order_by(parcels.c.id).limit(limit + 1)
    records = [_record(row) for row in conn.execute(statement).mappings()]
    more = len(records) > limit
    records = records[:limit]
    return records, (records[-1].id if more else None)


def get_parcel(conn: Connection, parcel_record_id: str) -> ParcelRecord | None:
    row = conn.execute(sa.select(parcels).where(parcels.c.id == parcel_record_id)).mappings()
    found = row.first()
    return _record(found) if found is not None else None


def _record(row: RowMapping) -> ParcelRecord:
    return ParcelRecord(**{name: row[name] for name in PARCEL_FIELD_NAMES})


# What a permit's ``property`` carries, read from the one parcel row it is joined to.
PROPERTY_COLUMNS: Final = (
    "id",
    "state",
    "parcel_key",
    "address_key",
    "roll_year",
    "property_type",
    "property_type_detail",
    "owner_type",
    "lot_size_sqft",
    "building_area_sqft",
    "stories",
    "units",
    "year_built",
    "market_value",
    "census_tract",
    "congressional_district",
)
MatchedBy = Literal["parcel_key", "address_key"]
UNKNOWN_PROPERTY_TYPE: Final = "unknown"  # a permit no parcel joins


def _joined(
    permit: sa.FromClause, column: str, on: Literal["parcel_key", "address_key"]
) -> sa.ScalarSelect[Any]:
    """``column`` of the parcel a row of ``permit`` (the permits table or a select of its
    state, parcel_key and address_key) joins on one key: of several (two rolls of one lot),
    the latest roll, then the lowest id, so every answer picks the same one."""
    p = parcels.alias(f"by_{on}")
    match = (
        sa.and_(p.c.state == permit.c.state, p.c.parcel_key == permit.c.parcel_key)
        if on == "parcel_key"
        else p.c.address_key == permit.c.address_key
    )
    return (
        sa.select(p.c[column])
        .where(match)
        .order_by(sa.func.coalesce(p.c.roll_year, 0).desc(), p.c.id)
        .limit(1)
        .scalar_subquery()
    )


def joined_property_type(permit: sa.FromClause) -> sa.ColumnElement[str]:
    """The property type of the parcel a permit joins (:func:`properties_of`'s rule, in SQL),
    else ``unknown``."""
    return sa.func.coalesce(
        _joined(permit, "property_type", "parcel_key"),
        _joined(permit, "property_type", "address_key"),
        sa.literal(UNKNOWN_PROPERTY_TYPE, sa.String),
    )


# Built once with expanding parameters: a page's lookups then reuse one compiled statement.
# One IN list per state, because a (state, parcel_key) tuple IN makes SQLite scan the table.
_ON_KEYS: Final = sa.select(*(parcels.c[name] for name in PROPERTY_COLUMNS)).where(
    parcels.c.state == sa.bindparam("state"),
    parcels.c.parcel_key.in_(sa.bindparam("keys", expanding=True)),
)
_ON_ADDRESSES: Final = sa.select(*(parcels.c[name] for name in PROPERTY_COLUMNS)).where(
    parcels.c.address_key.in_(sa.bindparam("addresses", expanding=True))
)


def properties_of(
    conn: Connection, records: Sequence[PermitRecord]
) -> dict[str, tuple[MatchedBy, RowMapping]]:
    """permit id -> (how it matched, its parcel row), for a page of permits.

    The rule of :func:`joined_property_type` (what the rollups group by), read as two
    index lookups rather than per-permit subqueries: the parcels with one of the page's parcel
    keys in its state, and those with one of its address keys; of several for one key (two
    rolls of one lot), the latest roll, then the lowest id.
    """
    # the store derives permits.parcel_key the same way (store.permits)
    keys = {r.id: parcel_key(r.parcel_id) for r in records}
    by_state: dict[str, set[str]] = {}
    for record in records:
        if record.state and keys[record.id]:
            by_state.setdefault(record.state, set()).add(keys[record.id] or "")
    addresses = sorted({r.address_key for r in records if r.address_key})
    found_rows = [
        row
        for state, state_keys in by_state.items()
        for chunk in chunks(sorted(state_keys))
        for row in conn.execute(_ON_KEYS, {"state": state, "keys": chunk}).mappings()
    ]
    found_rows += [
        row
        for chunk in chunks(addresses)
        for row in conn.execute(_ON_ADDRESSES, {"addresses": chunk}).mappings()
    ]
    by_key: dict[tuple[str, str], RowMapping] = {}
    by_address: dict[str, RowMapping] = {}
    for row in sorted(found_rows, key=_preference):
        if row["parcel_key"]:
            by_key.setdefault((row["state"], row["parcel_key"]), row)
        if row["address_key"]:
            by_address.setdefault(row["address_key"], row)
    found: dict[str, tuple[MatchedBy, RowMapping]] = {}
    for record in records:
        on_key = by_key.get((record.state or "", keys[record.id] or ""))
        if on_key is not None:
            found[record.id] = ("parcel_key", on_key)
        elif record.address_key and record.address_key in by_address:
            found[record.id] = ("address_key", by_address[record.address_key])
    return found


def _preference(row: RowMapping) -> tuple[int, str]:
    # joined_property_type's ORDER BY coalesce(roll_year, 0) DESC, id
    return (-(row["roll_year"] or 0), row["id"])
