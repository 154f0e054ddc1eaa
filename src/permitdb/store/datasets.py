"""Datasets: the catalog entries the database knows, and per-jurisdiction statistics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.catalog.model import CatalogEntry
from permitdb.store import dialects
from permitdb.store.tables import datasets, ingest_runs, permits

# On re-registration everything may change but the first registration time.
REGISTERED_COLUMNS = tuple(c.name for c in datasets.c if c.name not in {"slug", "registered_at"})


@dataclass(frozen=True, slots=True)
class JurisdictionStats:
    slug: str
    name: str
    state: str
    platforms: tuple[str, ...]
    datasets: int
    records: dict[str, int] = field(default_factory=dict)  # by record_class
    earliest_applied: date | None = None
    latest_applied: date | None = None
    earliest_issued: date | None = None
    latest_issued: date | None = None
    last_success_at: datetime | None = None  # latest finish of a succeeded sync
    last_run_status: str | None = None
    last_run_at: datetime | None = None  # finish of the latest run, or its start while running


def register_datasets(
    conn: Connection,
    entries: Sequence[CatalogEntry],
    *,
    now: datetime,
    source_url_for: Callable[[CatalogEntry], str],
) -> None:
    """Insert or refresh one ``datasets`` row per catalog entry."""
    if not entries:
        return
    rows = [
        {
            "slug": entry.slug,
            "jurisdiction": entry.jurisdiction.slug,
            "jurisdiction_name": entry.jurisdiction.name,
            "state": entry.jurisdiction.state,
            "name": entry.name,
            "platform": entry.source.platform,
            "record_class": entry.record_class,
            "source_url": source_url_for(entry),
            "registered_at": now,
        }
        # one row per slug: PostgreSQL refuses to upsert the same row twice in one statement
        for entry in {entry.slug: entry for entry in entries}.values()
    ]
    upsert = dialects.insert_or_update(conn.dialect, datasets, ["slug"], REGISTERED_COLUMNS)
    conn.execute(upsert, rows)


def _bound(pick: Callable[[list[date]], date], *dates: date | None) -> date | None:
    known = [d for d in dates if d is not None]
    return pick(known) if known else None


def _add_permit_stats(conn: Connection, stats: dict[str, dict[str, Any]]) -> None:
    c = permits.c
    rows = conn.execute(
        sa.select(
            c.jurisdiction,
            c.record_class,
            sa.func.count().label("records"),
            sa.func.min(c.applied_date).label("earliest_applied"),
            sa.func.max(c.applied_date).label("latest_applied"),
            sa.func.min(c.issued_date).label("earliest_issued"),
            sa.func.max(c.issued_date).label("latest_issued"),
        ).group_by(c.jurisdiction, c.record_class)
    )
    for row in rows:
        entry = stats.get(row.jurisdiction)
        if entry is None:  # permits of a dataset registered under another jurisdiction slug
            continue
        entry["records"][row.record_class] = row.records
        for key, pick in (
            ("earliest_applied", min),
            ("latest_applied", max),
            ("earliest_issued", min),
            ("latest_issued", max),
        ):
            entry[key] = _bound(pick, entry[key], getattr(row, key))


def _add_run_stats(conn: Connection, stats: dict[str, dict[str, Any]]) -> None:
    jurisdiction = datasets.c.jurisdiction
    runs = sa.select(ingest_runs.c.id).join(datasets, datasets.c.slug == ingest_runs.c.dataset)
    succeeded = conn.execute(
        sa.select(jurisdiction, sa.func.max(ingest_runs.c.finished_at))
        .join(ingest_runs, datasets.c.slug == ingest_runs.c.dataset)
        .where(ingest_runs.c.status == "succeeded")
        .group_by(jurisdiction)
    )
    for slug, finished_at in succeeded:
        stats[slug]["last_success_at"] = finished_at
    # run ids grow with time, so each jurisdiction's highest id is its latest run
    latest_ids = runs.with_only_columns(sa.func.max(ingest_runs.c.id)).group_by(jurisdiction)
    latest = conn.execute(
        sa.select(
            jurisdiction, ingest_runs.c.status, ingest_runs.c.started_at, ingest_runs.c.finished_at
        )
        .join(ingest_runs, datasets.c.slug == ingest_runs.c.dataset)
        .where(ingest_runs.c.id.in_(latest_ids))
    )
    for row in latest:
        stats[row.jurisdiction]["last_run_status"] = row.status
        stats[row.jurisdiction]["last_run_at"] = row.finished_at or row.started_at


def jurisdiction_stats(conn: Connection) -> list[JurisdictionStats]:
    """One summary per jurisdiction with registered datasets, ordered by slug."""
    stats: dict[str, dict[str, Any]] = {}
    platforms: dict[str, set[str]] = {}
    for row in conn.execute(sa.select(datasets).order_by(datasets.c.jurisdiction)):
        entry = stats.setdefault(
            row.jurisdiction,
            {
                "slug": row.jurisdiction,
                "name": row.jurisdiction_name,
                "state": row.state,
                "datasets": 0,
                "records": {},
                "earliest_applied": None,
                "latest_applied": None,
                "earliest_issued": None,
                "latest_issued": None,
            },
        )
        entry["datasets"] += 1
        platforms.setdefault(row.jurisdiction, set()).add(row.platform)
    _add_permit_stats(conn, stats)
    _add_run_stats(conn, stats)
    return [
        JurisdictionStats(platforms=tuple(sorted(platforms[slug])), **entry)
        for slug, entry in stats.items()
    ]
