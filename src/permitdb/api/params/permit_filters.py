"""The filters of a permit search, as one model: the query string of ``GET /v1/permits`` and
the JSON body of ``POST /v1/permits/search`` (which adds ``polygon``), so the two can never
drift apart. Names follow the reference APIs users migrate from (``*_from``/``*_to`` dates,
repeatable filters, ``tags`` with ``-tag`` exclusion as in Shovels, ``record_class`` as in
DataJackpot); docs/migrating.md maps each of theirs. ``params.permits`` checks what one field
cannot check alone and builds the store's query.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from permitdb.api.params.geography import BBOX_PATTERN, NEAR_PATTERN
from permitdb.api.params.properties import PropertyFilters, YearBuilt
from permitdb.api.params.types import (
    CURSOR_EXAMPLE,
    AnyTagFilter,
    Cursor,
    Dollars,
    IsoDate,
    IsoDateTime,
    TagFilter,
)
from permitdb.api.schemas.permits import FIELD_PATHS
from permitdb.store.sorts import DEFAULT_SORT, PermitSort
from permitdb.vocabulary import (
    PropertyClass,
    RecordClass,
    Status,
    StatusPhase,
    Tag,
)

RecordClassParam = RecordClass | Literal["all"]
# "json" pages; the others stream the whole result as one file (services.exports)
SearchFormat = Literal["json", "csv", "ndjson", "geojson", "parquet"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Zip = Annotated[str, StringConstraints(pattern=r"^\d{5}(-?\d{4})?$")]

# longest first, so an alternation never stops at a prefix; then by name, so /openapi.json is
# the same document in every process (FIELD_PATHS is a frozenset, in hash order)
_FIELD = "|".join(
    sorted((re.escape(path) for path in FIELD_PATHS), key=lambda path: (-len(path), path))
)
# fields=: comma-separated permit field paths (schemas.permits.FIELD_PATHS), blanks skipped
FieldList = Annotated[
    str, StringConstraints(pattern=rf"^( *({_FIELD})? *,)* *({_FIELD}) *(, *({_FIELD})? *)*$")
]
# Repeatable filters take at most this many values; a longer list belongs in a POST body.
MAX_VALUES = 100
MAX_IDS = 50
MAX_OFFSET = 10_000  # deeper than this, an offset page costs what the rows before it cost
PermitId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
# What a batch by id may be combined with: output options, not filters or paging
WITH_IDS = frozenset({"id", "include_raw", "fields"})


def refuse_empty_values(cls: type, value: object) -> object:
    """A field validator: an empty value is almost always a template that was not filled in;
    answering it with every record (or none) would hide the mistake."""
    values = value if isinstance(value, list) else [value]
    if any(v == "" for v in values):
        raise ValueError("is empty: give a value or leave the parameter out")
    return value


def _many(description: str, example: object) -> Any:
    return Field(
        default_factory=list, max_length=MAX_VALUES, description=description, examples=[[example]]
    )


class PermitFilters(PropertyFilters):
    """Every filter and option of a permit search (all optional; all must match); the
    property filters (``PropertyFilters``) are on the permit's parcel.

    The base ``Schema`` forbids unknown fields and refuses a NUL or lone surrogate anywhere in
    a body; a query string's NUL is refused earlier, by ``params.strict``."""

    # geography
    state: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="USPS state code", examples=["TX"]
    )
    city: list[Name] = _many("City as stored, case- and space-insensitive; repeatable", "Austin")
    county: Name | None = Field(
        None, description="County: 5-digit FIPS, or name with state", examples=["48453"]
    )
    zip: list[Zip] = _many("ZIP code (ZIP+4 accepted); repeatable", "78701")
    jurisdiction: list[Name] = _many("Jurisdiction slug (GET /v1/jurisdictions)", "austin-tx")
    address_key: Name | None = Field(
        None, description="Exact address key", examples=["tx-78701-1100-congress-ave"]
    )
    parcel_id: Name | None = Field(None, description="Exact parcel id", examples=["0206011001"])
    bbox: str | None = Field(
        None,
        description="west,south,east,north in WGS84 degrees",
        examples=["-97.76,30.26,-97.73,30.29"],
        pattern=BBOX_PATTERN,
        max_length=100,
    )
    near: str | None = Field(
        None,
        description="lat,lng; with radius_m",
        max_length=60,
        pattern=NEAR_PATTERN,
        examples=["30.2747,-97.7404"],
    )
    radius_m: float | None = Field(
        None, gt=0, le=50_000, description="Radius around near, m", examples=[500]
    )
    # work
    record_class: list[RecordClassParam] = _many("Record class; 'all' for every class", "permit")
    status: list[Status] = _many("Normalized status (docs/vocabulary.md)", "issued")
    status_phase: list[StatusPhase] = _many("open / closed / unknown", "open")
    status_raw: Text | None = Field(
        None, description="Status as published, case-insensitive", examples=["Active"]
    )
    tags: list[TagFilter] = _many(
        "All of these tags; '-tag' excludes; comma-separated too", "solar"
    )
    tags_any: list[AnyTagFilter] = _many(
        "At least one of these tags; comma-separated too", "battery"
    )
    category: list[Tag] = _many("Main category", "solar")
    property_class: list[PropertyClass] = _many("Normalized property class", "residential")
    permit_type: Text | None = Field(
        None, description="Exact raw permit type, any case", examples=["Electrical Permit"]
    )
    permit_type_contains: Text | None = Field(
        None, description="Raw permit type or its description contains", examples=["electric"]
    )
    permit_number: Text | None = Field(
        None, description="Exact permit number", examples=["2026-000001 EP"]
    )
    q: Text | None = Field(
        None,
        description='Full text: words (all must match), "a phrase", a OR b, -word, prefix*',
        examples=["solar batt* -roof"],
    )
    # dates
    filed_from: IsoDate | None = Field(
        None, description="Applied on or after", examples=["2026-01-01"]
    )
    filed_to: IsoDate | None = Field(
        None, description="Applied on or before", examples=["2026-12-31"]
    )
    issued_from: IsoDate | None = Field(
        None, description="Issued on or after", examples=["2026-01-01"]
    )
    issued_to: IsoDate | None = Field(
        None, description="Issued on or before", examples=["2026-12-31"]
    )
    finaled_from: IsoDate | None = Field(
        None, description="Finaled on or after", examples=["2026-01-01"]
    )
    finaled_to: IsoDate | None = Field(
        None, description="Finaled on or before", examples=["2026-12-31"]
    )
    expires_from: IsoDate | None = Field(
        None, description="Expires on or after", examples=["2026-01-01"]
    )
    expires_to: IsoDate | None = Field(
        None, description="Expires on or before", examples=["2026-12-31"]
    )
    any_date_from: IsoDate | None = Field(
        None,
        description="Earliest of filed/issued on or after (Shovels' permit_from)",
        examples=["2026-01-01"],
    )
    any_date_to: IsoDate | None = Field(
        None,
        description="Latest of filed/issued/finaled on or before (Shovels' permit_to)",
        examples=["2026-12-31"],
    )
    updated_since: IsoDateTime | None = Field(
        None,
        description="Changed at or after (ISO 8601; UTC if no offset)",
        examples=["2026-03-01T00:00:00Z"],
    )
    # numbers
    min_valuation: Dollars | None = Field(None, ge=0, description="US dollars", examples=[10000])
    max_valuation: Dollars | None = Field(None, ge=0, description="US dollars", examples=[500000])
    min_fees: Dollars | None = Field(None, ge=0, description="US dollars", examples=[100])
    max_fees: Dollars | None = Field(None, ge=0, description="US dollars", examples=[5000])
    min_housing_units: int | None = Field(
        None, ge=0, le=100_000, description="Housing units", examples=[2]
    )
    max_housing_units: int | None = Field(
        None, ge=0, le=100_000, description="Housing units", examples=[10]
    )
    min_square_feet: int | None = Field(
        None, ge=0, le=1_000_000_000, description="Square feet", examples=[1000]
    )
    max_square_feet: int | None = Field(
        None, ge=0, le=1_000_000_000, description="Square feet", examples=[5000]
    )
    min_stories: int | None = Field(None, ge=0, le=1_000, description="Stories", examples=[1])
    max_stories: int | None = Field(None, ge=0, le=1_000, description="Stories", examples=[3])
    # the permit's property (a parcel with its parcel id in its state, or its address); the
    # rest of its filters are PropertyFilters'
    property_min_year_built: YearBuilt | None = Field(
        None, description="Year built at least", examples=[1950]
    )
    property_max_year_built: YearBuilt | None = Field(
        None, description="Year built at most", examples=[2000]
    )
    min_approval_days: int | None = Field(
        None, ge=0, le=100_000, description="issued − filed, days", examples=[0]
    )
    max_approval_days: int | None = Field(
        None, ge=0, le=100_000, description="issued − filed, days", examples=[30]
    )
    min_construction_days: int | None = Field(
        None, ge=0, le=100_000, description="finaled − issued, days", examples=[0]
    )
    max_construction_days: int | None = Field(
        None, ge=0, le=100_000, description="finaled − issued, days", examples=[180]
    )
    min_total_days: int | None = Field(
        None, ge=0, le=100_000, description="finaled − filed, days", examples=[0]
    )
    max_total_days: int | None = Field(
        None, ge=0, le=100_000, description="finaled − filed, days", examples=[365]
    )
    # people
    has_contractor: bool | None = Field(
        None,
        description="Only permits with (true) or without (false) a contractor",
        examples=[True],
    )
    contractor: Text | None = Field(
        None, description="Contractor name contains", examples=["solar"]
    )
    contractor_license: Text | None = Field(
        None, description="Exact contractor licence number", examples=["TECL 33521"]
    )
    owner: Text | None = Field(
        None, description="Owner name contains (people:read scope)", examples=["housing"]
    )
    # a batch by id instead of a search
    id: list[PermitId] = Field(
        default_factory=list,
        max_length=MAX_IDS,
        description=f"Permit id; repeatable, up to {MAX_IDS}, answered in the order asked. "
        "Combines with include_raw and fields only",
        examples=[["b3f1c2d4e5a6978812345678"]],
    )
    # the page
    sort: PermitSort = Field(
        DEFAULT_SORT,
        description="Order (NULLs last, ties by id); default issued_desc",
        examples=["valuation_desc"],
    )
    limit: int = Field(100, ge=1, le=1000, description="Page size", examples=[100])
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="Rows to skip; not with cursor", examples=[0]
    )
    cursor: Cursor | None = Field(
        None,
        max_length=1000,
        description="next_cursor of the previous page, passed back unchanged",
        examples=[CURSOR_EXAMPLE],
    )
    include_count: bool = Field(False, description="Add total (capped at 10,000)", examples=[True])
    include_raw: bool = Field(False, description="Add each record's raw source", examples=[False])
    format: SearchFormat = Field(
        "json",
        description="json pages; csv, ndjson, geojson, parquet: every result as one file",
        examples=["csv"],
    )
    fields: list[FieldList] = _many(
        "Only these fields (top level or dotted); comma-separated too",
        "id,permit_number,dates.issued",
    )

    _no_empty_values = field_validator("*", mode="before")(refuse_empty_values)


class PolygonSearch(PermitFilters):
    """``POST /v1/permits/search``: the same filters as a JSON body, plus a polygon."""

    polygon: dict[str, Any] | None = Field(
        None,
        description="GeoJSON Polygon or MultiPolygon (WGS84), up to 1,000 vertices",
        examples=[
            {
                "type": "Polygon",
                "coordinates": [
                    [[-97.75, 30.26], [-97.72, 30.26], [-97.74, 30.29], [-97.75, 30.26]]
                ],
            }
        ],
    )
