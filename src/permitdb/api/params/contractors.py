"""What ``GET /v1/contractors`` asks, as one model, turned into the store's ``ContractorQuery``.

Names follow the permit search where the meaning is the same (``state``, ``city``, ``county``,
``zip``, ``tags`` with ``-tag`` exclusion) and Shovels' contractor search for the rest
(``permit_from``/``permit_to``, ``classification_derived``); docs/api.md maps each of
DataJackpot's, PermitFlow's and Shovels' contractor requests.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Query
from pydantic import Field, StringConstraints, field_validator

from permitdb.api.paging import CursorPage
from permitdb.api.params.geography import county_codes
from permitdb.api.params.permit_filters import (
    MAX_IDS,
    MAX_VALUES,
    Name,
    Text,
    Zip,
    refuse_empty_values,
)
from permitdb.api.params.permits import invalid, parsed, tag_list
from permitdb.api.params.types import Dollars, IsoDate, TagFilter
from permitdb.normalize import geo_ids
from permitdb.normalize.contractors import license_key
from permitdb.store.contractor_queries import ContractorQuery
from permitdb.store.contractors import ID_PREFIX
from permitdb.store.fulltext import FullTextSyntaxError, parse
from permitdb.vocabulary import LicenseStatus, Status

# store.contractors.contractor_id_for: the prefix and 32 lowercase hex digits. An id of any
# other shape is no contractor's, so the document says so (a 422, not a not_found).
CONTRACTOR_ID_PATTERN: Final = f"^{ID_PREFIX}[0-9a-f]{{32}}$"
CONTRACTOR_ID_EXAMPLE: Final = f"{ID_PREFIX}3f1c2d4e5a6978812b4c6d8e0f1a2b3c"
ContractorId = Annotated[str, StringConstraints(pattern=CONTRACTOR_ID_PATTERN)]
# What a batch by id may be combined with: nothing but itself
WITH_IDS = frozenset({"id"})


class ContractorFilters(CursorPage):
    """Every filter of the contractor search (all optional; all must match)."""

    state: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="Business address state", examples=["CA"]
    )
    city: list[Name] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Business address city, any case; repeatable",
        examples=[["Simi Valley"]],
    )
    county: Name | None = Field(
        None, description="County: 5-digit FIPS, or name with state", examples=["06111"]
    )
    zip: list[Zip] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="Business address ZIP code; repeatable",
        examples=[["93063"]],
    )
    geo_id: str | None = Field(
        None,
        max_length=geo_ids.MAX_LENGTH,
        pattern=r"^(?i:state|county|zip)-[A-Za-z0-9]+$",
        description="A state, county or ZIP geo id (docs/places.md), as Shovels' geo_id: the "
        "business address is in it",
        examples=["county-06111"],
    )
    name: Text | None = Field(None, description="Name contains, any case", examples=["electric"])
    license: Text | None = Field(
        None, description="Licence number (spaces, dashes and case ignored)", examples=["1000001"]
    )
    license_status: list[LicenseStatus] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="A licence of theirs has this status; repeatable",
        examples=[["active"]],
    )
    license_type: Text | None = Field(
        None, description="That licence's type, exact, any case", examples=["Sole Owner"]
    )
    classification: list[Text] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="That licence has this classification label, any case; repeatable",
        examples=[["C-7"]],
    )
    classification_derived: list[TagFilter] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="All of these derived trades; '-trade' excludes; comma-separated too",
        examples=[["electrical"]],
    )
    tags: list[TagFilter] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="A permit of theirs has all these tags ('-tag' excludes), in the window",
        examples=[["solar"]],
    )
    permit_from: IsoDate | None = Field(
        None, description="A permit of theirs dated on or after", examples=["2024-01-01"]
    )
    permit_to: IsoDate | None = Field(
        None, description="A permit of theirs dated on or before", examples=["2026-12-31"]
    )
    permit_q: Text | None = Field(
        None,
        description="A permit of theirs matches this full text (the syntax of /v1/permits q)",
        examples=["heat pump"],
    )
    permit_status: list[Status] = Field(
        default_factory=list,
        max_length=MAX_VALUES,
        description="A permit of theirs has this normalized status; repeatable",
        examples=[["finaled"]],
    )
    permit_min_job_value: Dollars | None = Field(
        None, ge=0, description="A permit of theirs is valued at least, USD", examples=[10000]
    )
    permit_min_fees: Dollars | None = Field(
        None, ge=0, description="A permit of theirs has fees of at least, USD", examples=[100]
    )
    permit_min_approval_days: int | None = Field(
        None,
        ge=0,
        le=100_000,
        description="A permit of theirs took this long to issue, days",
        examples=[30],
    )
    permit_min_construction_days: int | None = Field(
        None,
        ge=0,
        le=100_000,
        description="A permit of theirs took this long to final, days",
        examples=[90],
    )
    min_permit_count: int | None = Field(
        None, ge=0, le=10_000_000, description="At least this many permits", examples=[5]
    )
    min_total_job_value: Dollars | None = Field(
        None, ge=0, description="Their permits' valuations sum to at least, USD", examples=[50000]
    )
    id: list[ContractorId] = Field(
        default_factory=list,
        max_length=MAX_IDS,
        description=f"Contractor id; repeatable, up to {MAX_IDS}, answered in the order asked. "
        "Combines with nothing else",
        examples=[[CONTRACTOR_ID_EXAMPLE]],
    )

    _no_empty_values = field_validator("*", mode="before")(refuse_empty_values)


def to_query(filters: ContractorFilters) -> ContractorQuery:
    """Check what one field cannot check alone, and build the store's query."""
    others = sorted(filters.model_fields_set - WITH_IDS)
    if filters.id and others:
        message = f"id cannot be combined with {', '.join(others)}; ask by id alone"
        raise invalid("id", message, "combination")
    if filters.permit_q is not None:
        try:
            parse(filters.permit_q)
        except FullTextSyntaxError as exc:
            raise invalid("permit_q", str(exc), "full_text_syntax") from exc
    low, high = filters.permit_from, filters.permit_to
    if low is not None and high is not None and low > high:
        raise invalid(
            "permit_from", f"permit_from ({low}) is after permit_to ({high})", "range_order"
        )
    trades, not_trades = parsed(
        "classification_derived", "query", tag_list, filters.classification_derived
    )
    tags, not_tags = parsed("tags", "query", tag_list, filters.tags)
    counties = parsed("county", "query", county_codes, filters.county, filters.state)
    place = _place(filters.geo_id) if filters.geo_id else None
    state = filters.state.upper() if filters.state else None
    if place is not None and place.type == "state" and state and place.value != state:
        raise invalid("geo_id", f"{filters.geo_id} is not in state {filters.state}")
    key = license_key(filters.license) if filters.license else None
    if filters.license and not key:
        raise invalid("license", "holds no letter or digit", "value_error")
    return ContractorQuery(
        state=filters.state.upper() if filters.state else _geo(place, "state"),
        city=tuple(dict.fromkeys(filters.city)),
        county_fips=counties + _geo_list(place, "county"),
        zip=tuple(dict.fromkeys([*(z[:5] for z in filters.zip), *_geo_list(place, "zip")])),
        name=filters.name,
        license_key=key,
        license_status=tuple(dict.fromkeys(filters.license_status)),
        license_type=filters.license_type,
        classification=tuple(dict.fromkeys(filters.classification)),
        classification_derived=tuple(trades),
        exclude_classification_derived=tuple(not_trades),
        tags=tuple(tags),
        exclude_tags=tuple(not_tags),
        permit_from=filters.permit_from,
        permit_to=filters.permit_to,
        permit_q=filters.permit_q,
        permit_status=tuple(dict.fromkeys(filters.permit_status)),
        permit_min_job_value=filters.permit_min_job_value,
        permit_min_fees=filters.permit_min_fees,
        permit_min_approval_days=filters.permit_min_approval_days,
        permit_min_construction_days=filters.permit_min_construction_days,
        min_permit_count=filters.min_permit_count,
        min_total_job_value=filters.min_total_job_value,
        limit=filters.limit,
    )


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def contractor_filters(
    filters: Annotated[ContractorFilters, Query()],
) -> ContractorFilters:
    return filters


def _place(geo_id: str) -> geo_ids.GeoId:
    """A state, county or ZIP geo id (the field's pattern admits no other type): a contractor
    is placed by its business address, whose city is matched as written, not by a slug."""
    place = geo_ids.parse(geo_id)
    if place is None:
        raise invalid("geo_id", f"{geo_id!r} is not a geo id (docs/places.md)", "geo_id")
    return place


def _geo(place: geo_ids.GeoId | None, geo_type: str) -> str | None:
    return place.value if place is not None and place.type == geo_type else None


def _geo_list(place: geo_ids.GeoId | None, geo_type: str) -> tuple[str, ...]:
    value = _geo(place, geo_type)
    return (value,) if value is not None else ()
