"""Lookups by permit number: the status view and the batch status request and answer.

Field names follow SignedOff's status endpoints where they mean the same (``status_phase``,
``jurisdiction_display``, ``last_synced_at``, ``data_freshness``, ``results``/``errors``), so a
client moving over changes little.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import Field, StringConstraints

from permitdb.api.errors import Candidate
from permitdb.api.schemas.base import Schema
from permitdb.api.schemas.permits import PermitDates, PermitIdentity, dates_json
from permitdb.normalize.permit_numbers import MAX_LENGTH
from permitdb.services.permits import NumberMatch

MAX_BATCH: Final = 25
# at least one character that is not a space: a blank number matches nothing
PermitNumberText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_LENGTH, pattern=r"\S")
]


class DataFreshness(Schema):
    age_seconds: int = Field(
        description="Seconds since the record was last fetched from its source"
    )
    fetched_at: datetime | None = Field(description="When permitdb last fetched it (UTC)")
    cached: Literal[True] = Field(description="Always true: answers come from the stored copy")
    refresh_available: Literal[False] = Field(
        description="Always false: a record is refreshed by the next sync of its dataset"
    )


class PermitStatusView(PermitIdentity):
    jurisdiction_display: str = Field(description="The jurisdiction's display name")
    permit_type: str | None = Field(description="Permit type as the jurisdiction wrote it")
    address: str | None = Field(description="Standardized one-line street address")
    description: str | None = Field(description="Work description")
    dates: PermitDates = Field(description="Milestone dates (YYYY-MM-DD)")
    last_synced_at: datetime | None = Field(
        description="When the latest successful sync of the record's dataset finished (UTC)"
    )
    data_freshness: DataFreshness = Field(description="How current this answer is")


class PermitNumberAsk(Schema):
    permit_number: PermitNumberText = Field(description="The permit number, any case")
    jurisdiction: str | None = Field(None, description="Jurisdiction slug, when known")


class PermitStatusRequest(Schema):
    permit_numbers: list[PermitNumberText | PermitNumberAsk] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} permit numbers, each a string or "
        "{permit_number, jurisdiction}",
    )

    def asks(self) -> list[tuple[str, str | None]]:
        return [
            (ask, None) if isinstance(ask, str) else (ask.permit_number, ask.jurisdiction)
            for ask in self.permit_numbers
        ]


class PermitStatusError(Schema):
    permit_number: str = Field(description="The number as asked")
    jurisdiction: str | None = Field(description="The jurisdiction as asked, or null")
    code: str = Field(description="Error code, as for a single lookup (docs/api.md)")
    message: str = Field(description="What went wrong and what to do next")
    jurisdiction_hint: str | None = Field(
        description="The one jurisdiction whose numbers have this format, when exactly one has"
    )
    candidates: list[Candidate] | None = Field(
        description="ambiguous_permit_number: every jurisdiction holding the number"
    )


class PermitStatusBatch(Schema):
    results: list[PermitStatusView] = Field(description="The numbers found, in the order asked")
    errors: list[PermitStatusError] = Field(description="The numbers not found, in the order asked")


def status_json(match: NumberMatch) -> dict[str, Any]:
    """The API shape of a status view (see :class:`PermitStatusView`)."""
    r = match.record
    return {
        "id": r.id,
        "permit_number": r.permit_number,
        "jurisdiction": r.jurisdiction,
        "jurisdiction_display": match.jurisdiction.name,
        "dataset": r.dataset,
        "record_class": r.record_class,
        "status": r.status,
        "status_phase": r.status_phase,
        "status_raw": r.status_raw,
        "permit_type": r.permit_type,
        "address": r.address,
        "description": r.description,
        "dates": dates_json(r),
        "last_synced_at": match.last_synced_at,
        "data_freshness": {
            "age_seconds": match.age_seconds,
            "fetched_at": r.fetched_at,
            "cached": True,
            "refresh_available": False,
        },
    }
