"""Counts for the browse lists: stored values of one or more permit columns, and tags.

Each count is one GROUP BY; ``services.places`` runs it once per data version, not per request.
A ``Scope`` narrows it to a state or a jurisdiction, read through the indexes that lead with
those columns (``ix_permits_state_*``, ``ix_permits_jurisdiction_*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store.tables import datasets, permit_tags, permits


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
