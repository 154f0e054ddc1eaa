"""Jurisdictions as the API serves them: the catalog's view merged with what the store holds.

The catalog says what *should* be there (so a jurisdiction added today is listed with zero
records before its first sync); the store says what *is* there and how fresh it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import Field

from permitdb.api.schemas.base import Schema
from permitdb.catalog.model import CatalogEntry, Platform
from permitdb.store.datasets import JurisdictionStats
from permitdb.vocabulary import RECORD_CLASSES, RecordClass


class DatasetSummary(Schema):
    slug: str = Field(description="'<jurisdiction>/<dataset>', the dataset query value")
    name: str = Field(description="Human name of the dataset")
    platform: Platform = Field(description="Portal software it is read from")
    record_class: RecordClass = Field(description="What its records are")


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


class LastRun(Schema):
    status: str = Field(description="running, succeeded, failed or interrupted")
    at: datetime = Field(description="When it finished (or started, while running)")


class Jurisdiction(Schema):
    slug: str = Field(description="Jurisdiction slug, the jurisdiction query value")
    name: str = Field(description="Display name")
    state: str = Field(description="Two-letter USPS state code")
    platforms: list[Platform] = Field(description="Portal software its datasets come from")
    datasets: list[DatasetSummary] = Field(description="Its datasets in the catalog")
    records: RecordCounts = Field(description="Records stored, by record class")
    dates: DateRanges = Field(description="Date coverage of the stored records")
    last_successful_sync: datetime | None = Field(description="Finish of the latest good sync")
    last_run: LastRun | None = Field(description="The latest sync, whatever its outcome")


class JurisdictionList(Schema):
    data: list[Jurisdiction] = Field(description="Every jurisdiction, by slug")
    returned: int = Field(description="Number of items in data")


def _jurisdiction(
    slug: str, entries: Sequence[CatalogEntry], stats: JurisdictionStats | None
) -> dict[str, Any]:
    counts = {name: (stats.records.get(name, 0) if stats else 0) for name in sorted(RECORD_CLASSES)}
    first = entries[0].jurisdiction if entries else None
    platforms = {e.source.platform for e in entries} | set(stats.platforms if stats else ())
    return {
        "slug": slug,
        "name": first.name if first else stats.name if stats else slug,
        "state": first.state if first else stats.state if stats else "",
        "platforms": sorted(platforms),
        "datasets": [
            {
                "slug": e.slug,
                "name": e.name,
                "platform": e.source.platform,
                "record_class": e.record_class,
            }
            for e in entries
        ],
        "records": {**counts, "total": sum(stats.records.values()) if stats else 0},
        "dates": {
            "earliest_applied": stats.earliest_applied if stats else None,
            "latest_applied": stats.latest_applied if stats else None,
            "earliest_issued": stats.earliest_issued if stats else None,
            "latest_issued": stats.latest_issued if stats else None,
        },
        "last_successful_sync": stats.last_success_at if stats else None,
        "last_run": (
            {"status": stats.last_run_status, "at": stats.last_run_at}
            if stats and stats.last_run_status and stats.last_run_at
            else None
        ),
    }


def jurisdictions_json(
    catalog: Sequence[CatalogEntry], stats: Sequence[JurisdictionStats]
) -> list[dict[str, Any]]:
    """One item per jurisdiction in the catalog or the store, ordered by slug."""
    by_slug: dict[str, list[CatalogEntry]] = {}
    for entry in catalog:
        by_slug.setdefault(entry.jurisdiction.slug, []).append(entry)
    stored = {s.slug: s for s in stats}
    return [
        _jurisdiction(slug, by_slug.get(slug, []), stored.get(slug))
        for slug in sorted(by_slug.keys() | stored.keys())
    ]
