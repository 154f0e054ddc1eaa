"""Counts for the browse lists (stored values of one or more permit columns, and tags), and
the places by geo id: search by name prefix, details, related places and metrics rows.

Each count is one GROUP BY; ``services.places`` runs it once per data version, not per request.
A ``Scope`` narrows it to a state or a jurisdiction, read through the indexes that lead with
those columns (``ix_permits_state_*``, ``ix_permits_jurisdiction_*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store.tables import (
    datasets,
    permit_tags,
    permits,
    place_links,
    place_metrics,
    places,
)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which records to count; None means any."""

    state: str | None = None
    jurisdiction: str | None = None


def _within(scope: Scope) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if scope.state is not None:
        where.append(permits.c.state == scope.state)
    if scope.jurisdiction is not None:
        where.append(permits.c.jurisdiction == scope.jurisdiction)
    return where


def data_version(conn: Connection) -> tuple[Any, ...]:
    """Changes whenever a count could: a record added (seq) or changed (updated_at), a dataset
    registered. Each part is its own subquery so both engines answer it from an index."""
    newest = sa.select(
        sa.select(sa.func.max(permits.c.seq)).scalar_subquery(),
        sa.select(sa.func.max(permits.c.updated_at)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(datasets).scalar_subquery(),
    )
    return tuple(conn.execute(newest).one())


def group_counts(
    conn: Connection, columns: Sequence[str], scope: Scope = Scope()
) -> list[tuple[Any, ...]]:
    """``(value, ..., records)`` per distinct non-null combination of ``columns``."""
    grouped = [permits.c[name] for name in columns]
    statement = (
        sa.select(*grouped, sa.func.count())
        .where(*(column.is_not(None) for column in grouped), *_within(scope))
        .group_by(*grouped)
    )
    return [tuple(row) for row in conn.execute(statement)]


def value_counts(conn: Connection, column: str, scope: Scope = Scope()) -> dict[Any, int]:
    """Records per distinct non-null value of one column."""
    return {row[0]: row[1] for row in group_counts(conn, [column], scope)}


def tag_counts(conn: Connection, scope: Scope = Scope()) -> list[tuple[str, int]]:
    """``(tag, records)`` per tag on at least one record in ``scope``."""
    statement = sa.select(permit_tags.c.tag, sa.func.count()).group_by(permit_tags.c.tag)
    where = _within(scope)
    if where:
        statement = statement.join(permits, permits.c.seq == permit_tags.c.permit_seq).where(*where)
    return [(row[0], row[1]) for row in conn.execute(statement)]


def jurisdictions_by_state(conn: Connection) -> dict[str, int]:
    """Registered jurisdictions per state."""
    statement = sa.select(
        datasets.c.state, sa.func.count(sa.distinct(datasets.c.jurisdiction))
    ).group_by(datasets.c.state)
    return {row[0]: row[1] for row in conn.execute(statement)}


def stored_jurisdictions(conn: Connection) -> list[str]:
    """Every jurisdiction slug with a registered dataset, sorted."""
    statement = sa.select(datasets.c.jurisdiction).distinct().order_by(datasets.c.jurisdiction)
    return list(conn.execute(statement).scalars())


# --- places by geo id (normalize.geo_ids; kept by store.place_index) -------------------------

SEARCH_CANDIDATES: Final = 500  # prefix matches read in key order, then ranked in Python


@dataclass(frozen=True, slots=True)
class Place:
    geo_id: str
    type: str
    name: str
    state: str | None
    permit_count: int
    key: str  # the permits column value it stands for (the first, for a city spelled twice)
    parents: dict[str, str] | None = None  # an address's places, by type


_PLACE = (
    places.c.geo_id,
    places.c.type,
    places.c.name,
    places.c.state,
    places.c.permit_count,
    places.c.key,
    places.c.parents,
)


def search_places(conn: Connection, prefix: str, types: Sequence[str]) -> list[Place]:
    """Places whose upper-case name starts with ``prefix``, read off ``ix_places_*search_key``
    as an index range, at most ``SEARCH_CANDIDATES`` of them in name order."""
    where = [places.c.search_key >= prefix, places.c.search_key < prefix + "\U0010ffff"]
    if types:
        where.append(places.c.type.in_(types))
    statement = sa.select(*_PLACE).where(*where).order_by(places.c.search_key)
    return [Place(*row) for row in conn.execute(statement.limit(SEARCH_CANDIDATES))]


def find_places(conn: Connection, geo_id: str) -> list[Place]:
    """Every stored key of one geo id (two spellings of a city share it), oldest key first."""
    statement = sa.select(*_PLACE).where(places.c.geo_id == geo_id).order_by(places.c.key)
    return [Place(*row) for row in conn.execute(statement)]


def related_places(conn: Connection, geo_id: str) -> list[tuple[str, str, str]]:
    """``(geo_id, type, name)`` of every place sharing a permit with ``geo_id``."""
    statement = (
        sa.select(places.c.geo_id, places.c.type, sa.func.min(places.c.name))
        .join(place_links, place_links.c.related_id == places.c.geo_id)
        .where(place_links.c.geo_id == geo_id)
        .group_by(places.c.geo_id, places.c.type)
        .order_by(places.c.type, places.c.geo_id)
    )
    return [(row[0], row[1], row[2]) for row in conn.execute(statement)]


def place_names(conn: Connection, geo_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """geo_id → (type, name) for the ids that are stored."""
    statement = sa.select(places.c.geo_id, places.c.type, places.c.name).where(
        places.c.geo_id.in_(geo_ids)
    )
    return {row[0]: (row[1], row[2]) for row in conn.execute(statement)}


def names_of_type(conn: Connection, types: Sequence[str]) -> list[str]:
    """Every name of places of ``types`` (for the nearest names when a search finds none)."""
    statement = sa.select(places.c.name).where(places.c.type.in_(types)).distinct()
    return list(conn.execute(statement).scalars())


def place_metric_rows(
    conn: Connection,
    geo_id: str,
    months: int,
    property_type: str,
    tag: str,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[sa.RowMapping]:
    """Rollup rows of one place, oldest month first, read off the primary key."""
    m = place_metrics.c
    where = [m.geo_id == geo_id, m.months == months, m.property_type == property_type]
    where.append(m.tag == tag)
    if start is not None:
        where.append(m.month >= start)
    if end is not None:
        where.append(m.month <= end)
    return list(conn.execute(sa.select(place_metrics).where(*where).order_by(m.month)).mappings())
