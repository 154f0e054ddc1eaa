"""The places table and their links, kept from the permits a sync wrote (``place_metrics``).

Each distinct combination of a permit's place columns is read once with one ``SELECT
DISTINCT``; its geo ids and names are built in Python (``normalize.geo_ids``) and written with
``INSERT .. ON CONFLICT DO NOTHING``, so a place seen again costs nothing and keeps its id.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import permutations
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.normalize import geo_ids
from permitdb.normalize.geo_ids import GeoType
from permitdb.store.dialects import insert_or_ignore
from permitdb.store.records import chunks
from permitdb.store.tables import datasets, permits, place_links, places

PLACE_COLUMNS: Final = (
    permits.c.state,
    permits.c.county_fips,
    permits.c.city,
    permits.c.zip,
    permits.c.jurisdiction,
    permits.c.address_key,
    permits.c.address,
)


def place_key(geo_type: GeoType, value: str, state: str | None = None) -> str:
    """The ``places.key`` a permits column value is stored under (a city's is ``STATE|CITY``)."""
    return f"{state}|{value}" if geo_type == "city" else value


def _jurisdiction_names(conn: Connection) -> dict[str, str]:
    rows = conn.execute(sa.select(datasets.c.jurisdiction, datasets.c.jurisdiction_name))
    return {row.jurisdiction: row.jurisdiction_name for row in rows}


def _row(
    geo_type: GeoType, key: str, geo_id: str, name: str, state: str | None, now: datetime
) -> dict[str, Any]:
    return {
        "type": geo_type,
        "key": key,
        "geo_id": geo_id,
        "name": name,
        "search_key": name.upper(),
        "state": state,
        "permit_count": 0,
        "parents": None,
        "first_seen_at": now,
    }


def _place_rows(
    row: Sequence[Any], jurisdiction_names: dict[str, str], now: datetime
) -> tuple[list[dict[str, Any]], dict[GeoType, str]]:
    """The place rows one combination of place columns names, and its non-address geo ids."""
    state, county_fips, city, zip_code, jurisdiction, address_key, address = row
    ids = geo_ids.geo_ids(
        address_key=address_key,
        city=city,
        county_fips=county_fips,
        jurisdiction=jurisdiction,
        state=state,
        zip_code=zip_code,
    )
    names: dict[GeoType, tuple[str | None, str | None]] = {
        "state": (state, state and (geo_ids.state_name(state) or state)),
        "county": (county_fips, county_fips and (geo_ids.county_name(county_fips) or county_fips)),
        "city": (city, city and string.capwords(city)),
        "zip": (zip_code, zip_code),
        "jurisdiction": (jurisdiction, jurisdiction and jurisdiction_names.get(jurisdiction)),
    }
    rows: list[dict[str, Any]] = []
    parents: dict[GeoType, str] = {}
    for geo_type, (value, name) in names.items():
        geo_id = ids[geo_type]
        if geo_id is None or value is None:
            continue
        parents[geo_type] = geo_id
        key = place_key(geo_type, value, state)
        rows.append(_row(geo_type, key, geo_id, name or value, state, now))
    address_id = ids["address"]
    # an address key without a standardized line still names the building (street|place|ST)
    full = geo_ids.address_name(address, city, state, zip_code) or str(address_key)
    if address_id is not None and address_key is not None:
        rows.append(
            {**_row("address", address_key, address_id, full, state, now), "parents": parents}
        )
    return rows, parents


def add_places(conn: Connection, where: Sequence[sa.ColumnElement[bool]], now: datetime) -> int:
    """Add the places (and their links) of the permits matching ``where``; returns how many
    distinct combinations of place columns were read."""
    combinations = conn.execute(sa.select(*PLACE_COLUMNS).where(*where).distinct()).all()
    jurisdiction_names = _jurisdiction_names(conn)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    links: set[tuple[str, str]] = set()
    for combination in combinations:
        place_rows, parents = _place_rows(tuple(combination), jurisdiction_names, now)
        for place in place_rows:
            rows.setdefault((place["type"], place["key"]), place)
        links.update(permutations(parents.values(), 2))
    _insert(conn, places, ["type", "key"], rows.values())
    _insert(
        conn,
        place_links,
        ["geo_id", "related_id"],
        ({"geo_id": a, "related_id": b} for a, b in sorted(links)),
    )
    return len(combinations)


def _insert(
    conn: Connection, table: sa.Table, conflict: list[str], rows: Iterable[dict[str, Any]]
) -> None:
    statement = insert_or_ignore(conn.dialect, table, conflict)
    for chunk in chunks(list(rows)):
        conn.execute(statement, list(chunk))
