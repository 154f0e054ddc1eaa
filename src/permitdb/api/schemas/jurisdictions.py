"""Jurisdictions as the API serves them: the catalog's view merged with what the store holds.

The catalog says what *should* be there (so a jurisdiction added today is listed with zero
records before its first sync); the store says what *is* there and how fresh it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field

from permitdb.api.schemas.base import Schema
from permitdb.catalog.model import CatalogEntry, Platform
from permitdb.sources.endpoints import endpoint_url
from permitdb.store.datasets import DatasetStats, JurisdictionStats
from permitdb.vocabulary import RECORD_CLASSES, PropertyClass, RecordClass, Status, Tag


class Licence(Schema):
    name: str = Field(description="The licence or terms the data is published under")
    url: str | None = Field(description="Where the terms are published, when known")


class LastRun(Schema):
    status: str = Field(
        description="running, succeeded, failed, incomplete, drifted or interrupted"
    )
    at: datetime = Field(description="When it finished (or started, while running)")


class DatasetSummary(Schema):
    slug: str = Field(description="'<jurisdiction>/<dataset>', the dataset query value")
    name: str = Field(description="Human name of the dataset")
    platform: Platform = Field(description="Portal software it is read from")
    record_class: RecordClass = Field(description="What its records are")
    source_url: str = Field(description="Where the dataset lives on its portal")
    licence: Licence | None = Field(description="Terms of the data, from the catalog")
    records: int = Field(description="Records stored from this dataset")
    last_synced_at: datetime | None = Field(description="Finish of its latest successful sync")
    last_run: LastRun | None = Field(description="Its latest sync, whatever the outcome")
    last_error: str | None = Field(description="Why its latest sync failed; null unless failed")
    stale: bool | None = Field(
        description="No successful sync within the catalog's stale_after_days; null when the "
        "catalog sets no expectation"
    )


class RecordCounts(Schema):
    permit: int = Field(description="Permits stored")
    certificate_of_occupancy: int = Field(description="Certificates of occupancy stored")
    new_construction_parcel: int = Field(description="New-construction parcels stored")
    total: int = Field(description="All records stored")


class DateRanges(Schema):
    earliest_applied: date | None = Field(description="Earliest application date stored")
    latest_applied: date | None = Field(description="Latest application date stored")
    earliest_issued: date | None = Field(description="Earliest issue date stored")
    latest_issued: date | None = Field(description="Latest issue date stored")


class Jurisdiction(Schema):
    slug: str = Field(description="Jurisdiction slug, the jurisdiction query value")
    name: str = Field(description="Display name")
    state: str = Field(description="Two-letter USPS state code")
    platforms: list[Platform] = Field(description="Portal software its datasets come from")
    datasets: list[DatasetSummary] = Field(
        description="Its datasets (the catalog's, then any stored one it no longer lists), "
        "each with its own freshness"
    )
    records: RecordCounts = Field(description="Records stored, by record class")
    dates: DateRanges = Field(description="Date coverage of the stored records")
    last_successful_sync: datetime | None = Field(description="Finish of the latest good sync")
    last_run: LastRun | None = Field(description="The latest sync, whatever its outcome")


class JurisdictionList(Schema):
    data: list[Jurisdiction] = Field(description="Every jurisdiction, by slug")
    returned: int = Field(description="Number of items in data")


class JurisdictionBreakdown(Schema):
    slug: str = Field(description="Jurisdiction slug")
    records: int = Field(description="Stored records, every record class")
    record_classes: dict[RecordClass, int] = Field(description="Records per record class")
    statuses: dict[Status, int] = Field(description="Records per normalized status")
    property_classes: dict[PropertyClass, int] = Field(description="Records per property class")
    categories: dict[Tag, int] = Field(description="Records per main category")
    tags: dict[Tag, int] = Field(description="Records carrying each tag")


def _last_run(status: str | None, at: datetime | None) -> dict[str, Any] | None:
    return {"status": status, "at": at} if status and at else None


def _sync(stats: DatasetStats | None) -> dict[str, Any]:
    """How a dataset is doing, from the store (nothing yet before its first sync)."""
    if stats is None:
        return {"records": 0, "last_synced_at": None, "last_run": None, "last_error": None}
    return {
        "records": stats.records,
        "last_synced_at": stats.last_success_at,
        "last_run": _last_run(stats.last_run_status, stats.last_run_at),
        "last_error": stats.last_error,
    }


def _catalog_dataset(
    entry: CatalogEntry, stats: DatasetStats | None, now: datetime
) -> dict[str, Any]:
    synced = stats.last_success_at if stats else None
    stale = None
    if entry.stale_after_days is not None:
        stale = synced is None or now - synced > timedelta(days=entry.stale_after_days)
    return {
        "slug": entry.slug,
        "name": entry.name,
        "platform": entry.source.platform,
        "record_class": entry.record_class,
        "source_url": endpoint_url(entry.source),
        "licence": entry.licence.model_dump() if entry.licence else None,
        **_sync(stats),
        "stale": stale,
    }


def _stored_dataset(stats: DatasetStats) -> dict[str, Any]:
    """A dataset the store holds but the catalog no longer lists: no licence, no expectation."""
    return {
        "slug": stats.slug,
        "name": stats.name,
        "platform": stats.platform,
        "record_class": stats.record_class,
        "source_url": stats.source_url,
        "licence": None,
        **_sync(stats),
        "stale": None,
    }


def _jurisdiction(
    slug: str, entries: Sequence[CatalogEntry], stats: JurisdictionStats | None, now: datetime
) -> dict[str, Any]:
    counts = {name: (stats.records.get(name, 0) if stats else 0) for name in sorted(RECORD_CLASSES)}
    first = entries[0].jurisdiction if entries else None
    platforms = {e.source.platform for e in entries} | set(stats.platforms if stats else ())
    by_dataset = stats.by_dataset if stats else {}
    listed = {e.slug for e in entries}
    return {
        "slug": slug,
        "name": first.name if first else stats.name if stats else slug,
        "state": first.state if first else stats.state if stats else "",
        "platforms": sorted(platforms),
        "datasets": [
            *(_catalog_dataset(e, by_dataset.get(e.slug), now) for e in entries),
            *(_stored_dataset(s) for key, s in by_dataset.items() if key not in listed),
        ],
        "records": {**counts, "total": sum(stats.records.values()) if stats else 0},
        "dates": {
            "earliest_applied": stats.earliest_applied if stats else None,
            "latest_applied": stats.latest_applied if stats else None,
            "earliest_issued": stats.earliest_issued if stats else None,
            "latest_issued": stats.latest_issued if stats else None,
        },
        "last_successful_sync": stats.last_success_at if stats else None,
        "last_run": _last_run(stats.last_run_status, stats.last_run_at) if stats else None,
    }


def jurisdictions_json(
    catalog: Sequence[CatalogEntry], stats: Sequence[JurisdictionStats], now: datetime
) -> list[dict[str, Any]]:
    """One item per jurisdiction in the catalog or the store, ordered by slug."""
    by_slug: dict[str, list[CatalogEntry]] = {}
    for entry in catalog:
        by_slug.setdefault(entry.jurisdiction.slug, []).append(entry)
    stored = {s.slug: s for s in stats}
    return [
        _jurisdiction(slug, by_slug.get(slug, []), stored.get(slug), now)
        for slug in sorted(by_slug.keys() | stored.keys())
    ]
