"""The run log summed per dataset and run status: what /metrics reports about syncs.

Read at every scrape, so every server process (and every replica on one PostgreSQL) reports
the same numbers, whichever process ran the syncs. One grouped scan of ``ingest_runs``, a
table of one row per sync.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store.tables import ingest_runs


@dataclass(frozen=True, slots=True)
class RunTotals:
    """The runs of one dataset that ended (or are still) in one status, and their row counts."""

    dataset: str
    status: str
    runs: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int


def run_totals(conn: Connection) -> list[RunTotals]:
    c = ingest_runs.c
    rows = conn.execute(
        sa.select(
            c.dataset,
            c.status,
            sa.func.count().label("runs"),
            *(
                sa.func.coalesce(sa.func.sum(column), 0).label(column.name)
                for column in (c.inserted, c.updated, c.unchanged, c.rejected)
            ),
        )
        .group_by(c.dataset, c.status)
        .order_by(c.dataset, c.status)
    )
    return [
        RunTotals(
            dataset=row.dataset,
            status=row.status,
            runs=row.runs,
            inserted=int(row.inserted),
            updated=int(row.updated),
            unchanged=int(row.unchanged),
            rejected=int(row.rejected),
        )
        for row in rows
    ]
