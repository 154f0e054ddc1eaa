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
class DatasetStats:
    """One registered dataset: what it is, how much it holds, and how its syncs went."""

    slug: str
    name: str
    platform: str
    record_class: str
    source_url: str
    records: int = 0
    last_success_at: datetime | None = None  # finish of its latest succeeded sync
    last_run_id: int | None = None
    last_run_status: str | None = None
    last_run_at: datetime | None = None  # finish of the latest run, or its start while running
    last_error: str | None = None  # the latest run's error, when it failed


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
    by_dataset: dict[str, DatasetStats] = field(default_factory=dict)


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


def _add_permit_stats(
    conn: Connection, stats: dict[str, dict[str, Any]], records: dict[str, int]
) -> None:
    c = permits.c
    rows = conn.execute(
        sa.select(
            c.jurisdiction,
            c.dataset,
            c.record_class,
            sa.func.count().label("records"),
            sa.func.min(c.applied_date).label("earliest_applied"),
            sa.func.max(c.applied_date).label("latest_applied"),
            sa.func.min(c.issued_date).label("earliest_issued"),
            sa.func.max(c.issued_date).label("latest_issued"),
        ).group_by(c.jurisdiction, c.dataset, c.record_class)
    )
    for row in rows:
        records[row.dataset] = records.get(row.dataset, 0) + row.records
        entry = stats.get(row.jurisdiction)
        if entry is None:  # permits of a dataset registered under another jurisdiction slug
            continue
        counts = entry["records"]
        counts[row.record_class] = counts.get(row.record_class, 0) + row.records
        for key, pick in (
            ("earliest_applied", min),
            ("latest_applied", max),
            ("earliest_issued", min),
            ("latest_issued", max),
        ):
            entry[key] = _bound(pick, entry[key], getattr(row, key))


def dataset_runs(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per dataset slug: its latest succeeded finish and its latest run, whatever the outcome."""
    runs: dict[str, dict[str, Any]] = {}
    succeeded = conn.execute(
        sa.select(ingest_runs.c.dataset, sa.func.max(ingest_runs.c.finished_at))
        .where(ingest_runs.c.status == "succeeded")
        .group_by(ingest_runs.c.dataset)
    )
    for slug, finished_at in succeeded:
        runs[slug] = {"last_success_at": finished_at}
    # run ids grow with time, so each dataset's highest id is its latest run
    latest_ids = sa.select(sa.func.max(ingest_runs.c.id)).group_by(ingest_runs.c.dataset)
    latest = conn.execute(sa.select(ingest_runs).where(ingest_runs.c.id.in_(latest_ids)))
    for row in latest:
        runs.setdefault(row.dataset, {}).update(
            last_run_id=row.id,
            last_run_status=row.status,
            last_run_at=row.finished_at or row.started_at,
            last_error=row.error if row.status not in ("succeeded", "running") else None,
        )
    return runs


def _roll_up(entry: dict[str, Any], datasets_of: list[DatasetStats]) -> None:
    """A jurisdiction's freshness: its newest good sync, and the latest run of any dataset."""
    successes = [d.last_success_at for d in datasets_of if d.last_success_at is not None]
    entry["last_success_at"] = max(successes, default=None)
    ran = [d for d in datasets_of if d.last_run_id is not None]
    if ran:
        latest = max(ran, key=lambda d: d.last_run_id or 0)
        entry["last_run_status"] = latest.last_run_status
        entry["last_run_at"] = latest.last_run_at


def jurisdiction_stats(conn: Connection) -> list[JurisdictionStats]:
    """One summary per jurisdiction with registered datasets, ordered by slug."""
    stats: dict[str, dict[str, Any]] = {}
    platforms: dict[str, set[str]] = {}
    rows = list(
        conn.execute(sa.select(datasets).order_by(datasets.c.jurisdiction, datasets.c.slug))
    )
    for row in rows:
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
                "by_dataset": {},
            },
        )
        entry["datasets"] += 1
        platforms.setdefault(row.jurisdiction, set()).add(row.platform)
    records: dict[str, int] = {}
    _add_permit_stats(conn, stats, records)
    runs = dataset_runs(conn)
    for row in rows:
        stats[row.jurisdiction]["by_dataset"][row.slug] = DatasetStats(
            slug=row.slug,
            name=row.name,
            platform=row.platform,
            record_class=row.record_class,
            source_url=row.source_url,
            records=records.get(row.slug, 0),
            **runs.get(row.slug, {}),
        )
    for entry in stats.values():
        _roll_up(entry, list(entry["by_dataset"].values()))
    return [
        JurisdictionStats(platforms=tuple(sorted(platforms[slug])), **entry)
        for slug, entry in stats.items()
    ]


def registered_slugs(conn: Connection) -> list[str]:
    return list(conn.execute(sa.select(datasets.c.slug).order_by(datasets.c.slug)).scalars())
