"""Jurisdictions as the API serves them: the catalog's view merged with what the store holds,
and the requests users make for jurisdictions not covered yet.

The catalog says what *should* be there (so a jurisdiction added today is listed with zero
records before its first sync); the store says what *is* there and how fresh it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from permitdb.catalog.model import US_STATES, CatalogEntry, Platform
from permitdb.services.jurisdictions import RequestOutcome, name_key
from permitdb.store.datasets import JurisdictionStats
from permitdb.store.jurisdiction_requests import JurisdictionRequestRow, RequestStatus
from permitdb.vocabulary import RECORD_CLASSES, RecordClass


class DatasetSummary(BaseModel):
    slug: str = Field(description="'<jurisdiction>/<dataset>', the dataset query value")
    name: str = Field(description="Human name of the dataset")
    platform: Platform = Field(description="Portal software it is read from")
    record_class: RecordClass = Field(description="What its records are")


class RecordCounts(BaseModel):
    permit: int = Field(description="Permits stored")
    certificate_of_occupancy: int = Field(description="Certificates of occupancy stored")
    new_construction_parcel: int = Field(description="New-construction parcels stored")
    total: int = Field(description="All records stored")


class DateRanges(BaseModel):
    earliest_applied: date | None = Field(description="Earliest application date stored")
    latest_applied: date | None = Field(description="Latest application date stored")
    earliest_issued: date | None = Field(description="Earliest issue date stored")
    latest_issued: date | None = Field(description="Latest issue date stored")


class LastRun(BaseModel):
    status: str = Field(description="running, succeeded, failed or interrupted")
    at: datetime = Field(description="When it finished (or started, while running)")


class Jurisdiction(BaseModel):
    slug: str = Field(description="Jurisdiction slug, the jurisdiction query value")
    name: str = Field(description="Display name")
    state: str = Field(description="Two-letter USPS state code")
    platforms: list[Platform] = Field(description="Portal software its datasets come from")
    datasets: list[DatasetSummary] = Field(description="Its datasets in the catalog")
    records: RecordCounts = Field(description="Records stored, by record class")
    dates: DateRanges = Field(description="Date coverage of the stored records")
    last_successful_sync: datetime | None = Field(description="Finish of the latest good sync")
    last_run: LastRun | None = Field(description="The latest sync, whatever its outcome")


class JurisdictionList(BaseModel):
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


# --- requests for jurisdictions not covered yet -------------------------------------------


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JurisdictionRequestBody(Schema):
    # "jurisdiction_name" too: the name SignedOff's request endpoint takes
    name: str = Field(
        min_length=1,
        max_length=100,
        validation_alias=AliasChoices("name", "jurisdiction_name"),
        description="City or county name, e.g. 'St. Louis' (case and punctuation do not matter)",
    )
    state: str = Field(description="Two-letter USPS state code, any case, e.g. MO")

    @field_validator("name")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.isprintable():
            raise ValueError("the name has control characters; send the name as plain text")
        if not name_key(value):
            raise ValueError("the name has no letters or digits; send the jurisdiction's name")
        return value

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in US_STATES:
            raise ValueError(f"'{value}' is not a two-letter USPS state code (e.g. MO)")
        return code


class JurisdictionRequest(Schema):
    id: int = Field(description="Request id")
    name: str = Field(description="The name as first requested")
    state: str = Field(description="Two-letter USPS state code")
    status: RequestStatus = Field(description="requested, planned, covered or declined")
    request_count: int = Field(description="Number of API keys that asked for it")
    created_at: datetime = Field(description="When it was first requested (UTC)")
    updated_at: datetime = Field(description="Last vote or status change (UTC)")


class JurisdictionRequestResult(Schema):
    id: int | None = Field(description="Request id; null when the jurisdiction is covered")
    name: str = Field(description="The name as first requested, or the covered one's name")
    state: str = Field(description="Two-letter USPS state code")
    status: RequestStatus = Field(description="requested, planned, covered or declined")
    slug: str | None = Field(description="The covered jurisdiction's slug, else null")
    request_count: int = Field(description="Number of API keys that asked for it")
    voted: bool = Field(description="Whether this call counted your key's vote")
    created_at: datetime | None = Field(description="When it was first requested (UTC)")
    updated_at: datetime | None = Field(description="Last vote or status change (UTC)")


class JurisdictionRequestList(Schema):
    data: list[JurisdictionRequest] = Field(description="Requests, most votes first")
    returned: int = Field(description="Number of items in data")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")


def request_json(row: JurisdictionRequestRow) -> dict[str, Any]:
    """The API shape of one request (see :class:`JurisdictionRequest`)."""
    return {
        "id": row.id,
        "name": row.name,
        "state": row.state,
        "status": row.status,
        "request_count": row.request_count,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def request_result_json(outcome: RequestOutcome) -> dict[str, Any]:
    """The API shape of what one request call did (see :class:`JurisdictionRequestResult`)."""
    if outcome.request is not None:
        return {**request_json(outcome.request), "slug": None, "voted": outcome.voted}
    assert outcome.covered is not None, "an outcome is a request or a covered jurisdiction"
    covered = outcome.covered
    return {
        "id": None,
        "name": covered.name,
        "state": covered.state,
        "status": "covered",
        "slug": covered.slug,
        "request_count": 0,
        "voted": False,
        "created_at": None,
        "updated_at": None,
    }
