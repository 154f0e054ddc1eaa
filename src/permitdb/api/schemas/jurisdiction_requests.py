"""Requests for jurisdictions not covered yet, as the API takes and serves them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from pydantic import AliasChoices, Field, JsonValue, field_validator

from permitdb.api.schemas.base import Schema
from permitdb.catalog.model import US_STATES
from permitdb.services.jurisdiction_requests import RequestOutcome
from permitdb.store.jurisdiction_requests import JurisdictionRequestRow, RequestStatus

_TEXT = "[^\\x00-\\x1f\\x7f-\\x9f]*"  # no control characters
STATE_CODES: Final[list[JsonValue]] = [*sorted(US_STATES)]
NAME_PATTERN: Final = f"^{_TEXT}[A-Za-z0-9]{_TEXT}$"


class JurisdictionRequestBody(Schema):
    # "jurisdiction_name" too: the name SignedOff's request endpoint takes
    name: str = Field(
        min_length=1,
        max_length=100,
        validation_alias=AliasChoices("name", "jurisdiction_name"),
        pattern=NAME_PATTERN,
        description="City or county name, e.g. 'St. Louis' (case and punctuation do not matter)",
    )
    state: str = Field(
        description="Two-letter USPS state code (any case is read), e.g. MO",
        json_schema_extra={"enum": STATE_CODES},
    )

    @field_validator("name")
    @classmethod
    def _has_words(cls, value: str) -> str:
        # the same rule as the pattern the document shows (NAME_PATTERN)
        if not re.fullmatch(NAME_PATTERN, value):
            raise ValueError(
                "the name needs a letter or digit and no control characters; send the "
                "jurisdiction's name as plain text"
            )
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
