"""What ``GET /v1/parcels`` asks, as one model, turned into the store's ``ParcelQuery``.

Names follow DataJackpot's parcel search (``county_name``, ``year_built_from``,
``sale_date_to``, ``assessed_min``) and Shovels' property search for the rest (the
``property_*`` bounds, shared with the permit search: ``params.properties``); docs/api.md maps
both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field, StringConstraints, field_validator

from permitdb.api.paging import CursorPage
from permitdb.api.params.geography import county_codes
from permitdb.api.params.permit_filters import MAX_VALUES, Name, refuse_empty_values
from permitdb.api.params.permits import parsed
from permitdb.api.params.properties import (
    PropertyDollars,
    PropertyFilters,
    StoryCount,
    YearBuilt,
    property_query,
)
from permitdb.api.params.types import IsoDate
from permitdb.store.parcels import ParcelQuery

ParcelIdText = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ParcelId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        description="Parcel record id (the id field of GET /v1/parcels)",
        examples=["opwbqljuss7q5uxavvo44vfbig"],
    ),
]


class ParcelFilters(PropertyFilters, CursorPage):
    """Every filter of the parcel search (all optional; all must match), and its page."""

    state: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="Two-letter state", examples=["NY"]
    )
    county_name: Name | None = Field(
        None, description="County name (with state=) or 5-digit FIPS", examples=["Bronx"]
    )
    situs_city: Name | None = Field(None, description="Situs city", examples=["Bronx"])
    jurisdiction: list[Name] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Jurisdiction slug (repeatable)",
        examples=[["new-york-city-ny"]],
    )
    use_code: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = Field(
        None, description="Raw land-use / class code, e.g. A5, 203", examples=["A5"]
    )
    parcel_id: ParcelIdText | None = Field(
        None, description="Parcel id in any spelling (BBL, PIN)", examples=["2054800121"]
    )
    owner: Annotated[str, StringConstraints(min_length=2, max_length=100)] | None = Field(
        None,
        description="Owner name contains (case-insensitive); needs the people:read scope",
        examples=["REALTY"],
    )
    year_built_from: YearBuilt | None = Field(
        None, description="Year built at least", examples=[1950]
    )
    year_built_to: YearBuilt | None = Field(None, description="Year built at most", examples=[2000])
    sale_date_from: IsoDate | None = Field(
        None, description="Last sale on or after (YYYY-MM-DD)", examples=["2024-01-01"]
    )
    sale_date_to: IsoDate | None = Field(
        None, description="Last sale on or before (YYYY-MM-DD)", examples=["2026-12-31"]
    )
    assessed_min: PropertyDollars | None = Field(
        None, description="Assessed value at least, USD", examples=[80000]
    )
    assessed_max: PropertyDollars | None = Field(
        None, description="Assessed value at most, USD", examples=[500000]
    )
    property_min_stories: StoryCount | None = Field(
        None, description="Stories at least", examples=[2]
    )
    property_max_stories: StoryCount | None = Field(
        None, description="Stories at most", examples=[6]
    )

    _no_empty_values = field_validator("*", mode="before")(refuse_empty_values)


def to_query(filters: ParcelFilters) -> ParcelQuery:
    """Check what one field cannot check alone (a county name needs its state), and build the
    store's query."""
    counties = parsed("county_name", "query", county_codes, filters.county_name, filters.state)
    return replace(
        property_query(filters),
        state=filters.state,
        county_fips=counties,
        city=filters.situs_city,
        jurisdiction=tuple(dict.fromkeys(filters.jurisdiction)),
        use_code=filters.use_code,
        parcel_id=filters.parcel_id,
        owner=filters.owner,
        year_built_from=filters.year_built_from,
        year_built_to=filters.year_built_to,
        sale_date_from=filters.sale_date_from,
        sale_date_to=filters.sale_date_to,
        min_assessed_value=filters.assessed_min,
        max_assessed_value=filters.assessed_max,
        min_stories=filters.property_min_stories,
        max_stories=filters.property_max_stories,
    )


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def parcel_filters(filters: Annotated[ParcelFilters, Query()]) -> ParcelFilters:
    return filters
