"""Permit lookups by number: which jurisdictions hold a number, and which use its shape.

Both read the columns ``upsert_permits`` derives from ``permit_number`` (key and shape, see
``normalize.permit_numbers``) through their (column, jurisdiction) indexes.

Why the shapes are a column and not a table of counts kept up to date at upsert: a column is
rewritten with the row, so it is right after every insert, update and re-ingest, with no second
bookkeeping to drift (a counts table would need decrementing when a number changes and a
repair path when it is wrong). Asking "which jurisdictions use this shape" is then one index
seek per jurisdiction using it, tens of seeks whatever the table's size, where a DISTINCT
over the index range would read every permit of a common shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import PermitRecord
from permitdb.store.permits import PERMIT_COLUMNS, row_to_record
from permitdb.store.tables import datasets, ingest_runs, permits


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    slug: str
    name: str


def _named(slugs: sa.ColumnElement[Any] | None = None) -> sa.Select[Any]:
    """Registered jurisdictions with their display names, by slug (``slugs`` filters)."""
    statement = sa.select(
        datasets.c.jurisdiction, sa.func.min(datasets.c.jurisdiction_name).label("name")
    )
    if slugs is not None:
        statement = statement.where(slugs)
    return statement.group_by(datasets.c.jurisdiction).order_by(datasets.c.jurisdiction)


def _jurisdictions(conn: Connection, statement: sa.Select[Any]) -> list[Jurisdiction]:
    return [Jurisdiction(slug, name) for slug, name in conn.execute(statement)]


def find_jurisdiction(conn: Connection, slug: str) -> Jurisdiction | None:
    found = _jurisdictions(conn, _named(datasets.c.jurisdiction == slug))
    return found[0] if found else None


def jurisdictions_holding(conn: Connection, key: str) -> list[Jurisdiction]:
    """The jurisdictions with a stored permit whose number has this key, by slug."""
    holding = sa.select(permits.c.jurisdiction).where(permits.c.permit_number_key == key).distinct()
    return _jurisdictions(conn, _named(datasets.c.jurisdiction.in_(holding)))


def jurisdictions_using_shape(conn: Connection, shape: str) -> list[Jurisdiction]:
    """The jurisdictions with at least one stored permit number of this shape, by slug.

    Read as a skip scan of the (shape, jurisdiction) index: each step is one seek to the next
    jurisdiction after the last one found, so the cost is the number of jurisdictions using
    the shape, never the number of permits. (An EXISTS per jurisdiction reads the same, but
    once statistics say one shape covers most rows, SQLite plans it as a table scan, which
    reads the whole table for a shape nobody uses.)
    """
    c = permits.c
    step = sa.select(c.jurisdiction).where(c.permit_number_shape == shape)
    found: list[str] = []
    while True:
        after = step.where(c.jurisdiction > found[-1]) if found else step
        slug = conn.execute(after.order_by(c.jurisdiction).limit(1)).scalar()
        if slug is None:
            return _jurisdictions(conn, _named(datasets.c.jurisdiction.in_(found)))
        found.append(slug)


def best_by_key(conn: Connection, key: str, jurisdiction: str) -> PermitRecord | None:
    """The one record to answer for a number within a jurisdiction.

    A jurisdiction can hold several records under one number (a permit and its certificate
    of occupancy, or one row per work type): the permit comes first, then the latest issued,
    then the latest changed, so the same question always gets the same answer.
    """
    c = permits.c
    row = conn.execute(
        sa.select(*PERMIT_COLUMNS)
        .where(c.permit_number_key == key, c.jurisdiction == jurisdiction)
        .order_by(
            sa.case((c.record_class == "permit", 0), else_=1),
            c.issued_date.desc().nulls_last(),
            c.updated_at.desc(),
            c.id,
        )
        .limit(1)
    ).first()
    return None if row is None else row_to_record(row)


def last_successful_sync(conn: Connection, dataset: str) -> datetime | None:
    """When the latest succeeded sync of this dataset finished, or None if none has."""
    finished: datetime | None = conn.execute(
        sa.select(sa.func.max(ingest_runs.c.finished_at)).where(
            ingest_runs.c.dataset == dataset, ingest_runs.c.status == "succeeded"
        )
    ).scalar()
    return finished
