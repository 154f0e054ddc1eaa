"""What ``GET /v1/permits`` and ``POST /v1/permits/search`` ask (``params.permit_filters``),
checked across fields and turned into the store's ``PermitQuery``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Query

from permitdb.api.errors import InvalidParameter
from permitdb.api.params.geography import (
    county_codes,
    parse_bbox,
    parse_near,
    polygon_rings,
)
from permitdb.api.params.permit_filters import (
    WITH_IDS,
    PermitFilters,
    PolygonSearch,
    RecordClassParam,
    SearchFormat,
)
from permitdb.api.params.properties import property_query
from permitdb.services.exports import FORMATS
from permitdb.store.fulltext import FullTextSyntaxError, parse
from permitdb.store.parcels import ParcelQuery
from permitdb.store.permits import PermitQuery
from permitdb.vocabulary import TAGS, RecordClass, Tag

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class PermitSearch:
    query: PermitQuery
    cursor: str | None
    include_count: bool
    include_raw: bool
    fields: tuple[str, ...]
    format: SearchFormat = "json"
    ids: tuple[str, ...] = ()  # a batch by id: no filters, no paging


Location = Literal["query", "body"]


def invalid(
    name: str, message: str, kind: str = "value_error", location: Location = "query"
) -> InvalidParameter:
    return InvalidParameter(
        f"Invalid value for {location}.{name}: {message}",
        details=[{"loc": [location, name], "msg": message, "type": kind}],
    )


def parsed(name: str, location: Location, parse: Callable[..., R], *args: Any) -> R:
    try:
        return parse(*args)
    except ValueError as exc:
        raise invalid(name, str(exc), getattr(exc, "kind", "value_error"), location) from exc


def _ordered(filters: PermitFilters, low_name: str, high_name: str, location: Location) -> None:
    low, high = getattr(filters, low_name), getattr(filters, high_name)
    if low is not None and high is not None and low > high:
        message = f"{low_name} ({low}) is after {high_name} ({high}); swap them"
        raise invalid(low_name, message, "range_order", location)


def tag_list(values: list[str]) -> tuple[list[Tag], list[Tag]]:
    """``tags=solar,battery&tags=-roofing`` → (["solar", "battery"], ["roofing"])."""
    include: list[Tag] = []
    exclude: list[Tag] = []
    for value in values:
        for part in filter(None, (p.strip(" ") for p in value.split(","))):
            tag = part.removeprefix("-")
            if tag not in TAGS:
                raise ValueError(f"'{tag}' is not a tag; GET /v1/tags lists them")
            (exclude if part.startswith("-") else include).append(tag)  # type: ignore[arg-type]
    return list(dict.fromkeys(include)), list(dict.fromkeys(exclude))


def _record_classes(values: list[RecordClassParam]) -> tuple[RecordClass, ...]:
    if not values:
        return ("permit",)
    if "all" in values:
        return ()
    return tuple(dict.fromkeys(v for v in values if v != "all"))


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for v in values for p in v.split(",") if p.strip()))


RANGES = (
    ("filed_from", "filed_to"),
    ("issued_from", "issued_to"),
    ("finaled_from", "finaled_to"),
    ("expires_from", "expires_to"),
    ("any_date_from", "any_date_to"),
    *(
        (f"min_{n}", f"max_{n}")
        for n in (
            "valuation",
            "fees",
            "housing_units",
            "square_feet",
            "stories",
            "approval_days",
            "construction_days",
            "total_days",
        )
    ),
)
# Copied as they are from the filters to the query.
SAME_NAMES = (
    *(name for pair in RANGES for name in pair),
    *("address_key", "parcel_id", "status_raw", "permit_type", "permit_type_contains"),
    *("permit_number", "q", "has_contractor", "contractor", "contractor_license", "owner"),
    *("sort", "limit", "offset"),
)


def _checked_ids(filters: PermitFilters, location: Location) -> tuple[str, ...]:
    others = sorted(filters.model_fields_set - WITH_IDS)
    if filters.id and others:
        message = (
            f"id cannot be combined with {', '.join(others)}; ask by id alone (include_raw "
            "and fields may be added), or drop id to search"
        )
        raise invalid("id", message, "combination", location)
    return tuple(filters.id)


def _check_export(filters: PermitFilters, location: Location) -> None:
    """An export is the whole result in one file: paging parameters have no meaning there."""
    export = filters.format
    if export == "json":
        return
    for name in ("cursor", "include_count", "offset", "id"):
        if getattr(filters, name):
            message = (
                f"format={export} streams every matching permit in one file, so it takes no "
                f"{name}; drop {name}, or use format=json to page"
            )
            raise invalid(name, message, "export_paging", location)
    if filters.include_raw and not FORMATS[export].nested:
        message = (
            f"format={export} has flat columns and cannot hold the raw record; drop "
            "include_raw, or use format=ndjson or format=geojson"
        )
        raise invalid("include_raw", message, "export_raw", location)
    if filters.fields and not FORMATS[export].nested:
        message = (
            f"format={export} has a fixed column order (docs/schema.md); drop fields, or use "
            "format=ndjson or format=geojson"
        )
        raise invalid("fields", message, "export_fields", location)


def to_search(filters: PermitFilters, location: Location = "query") -> PermitSearch:
    """Check what one field cannot check alone, and build the store's query."""
    ids = _checked_ids(filters, location)
    _check_export(filters, location)
    if filters.offset and filters.cursor:
        message = (
            "offset cannot be combined with cursor; drop offset, the cursor already continues "
            "the listing"
        )
        raise invalid("offset", message, "offset_with_cursor", location)
    if filters.q is not None:
        try:
            parse(filters.q)
        except FullTextSyntaxError as exc:
            raise invalid("q", str(exc), "full_text_syntax", location) from exc
    for low_name, high_name in RANGES:
        _ordered(filters, low_name, high_name, location)
    include_tags, exclude_tags = parsed("tags", location, tag_list, filters.tags)
    any_tags, excluded_any = parsed("tags_any", location, tag_list, filters.tags_any)
    if excluded_any:
        raise invalid("tags_any", "'-tag' excludes only in tags; put it there", "enum", location)
    updated_since = filters.updated_since
    if updated_since is not None and updated_since.tzinfo is None:
        updated_since = updated_since.replace(tzinfo=UTC)
    if (filters.near is None) != (filters.radius_m is None):
        message = "near and radius_m go together: give both or neither"
        raise invalid("near", message, "combination", location)
    polygon = filters.polygon if isinstance(filters, PolygonSearch) else None
    # names are checked by the model's pattern (FIELD_PATHS); id stays, so pages can continue
    asked_fields = _split(filters.fields)
    fields = tuple(dict.fromkeys(("id", *asked_fields))) if asked_fields else ()
    query = PermitQuery(
        **{name: getattr(filters, name) for name in SAME_NAMES},
        state=filters.state.upper() if filters.state else None,
        city=tuple(dict.fromkeys(filters.city)),
        county_fips=parsed("county", location, county_codes, filters.county, filters.state),
        zip=tuple(dict.fromkeys(z[:5] for z in filters.zip)),
        jurisdiction=tuple(dict.fromkeys(filters.jurisdiction)),
        bbox=parsed("bbox", location, parse_bbox, filters.bbox),
        near=parsed("near", location, parse_near, filters.near, filters.radius_m),
        polygon=parsed("polygon", location, polygon_rings, polygon),
        record_class=_record_classes(filters.record_class),
        property=_property(filters),
        status=tuple(dict.fromkeys(filters.status)),
        status_phase=tuple(dict.fromkeys(filters.status_phase)),
        tags=tuple(include_tags),
        tags_any=tuple(any_tags),
        exclude_tags=tuple(exclude_tags),
        category=tuple(dict.fromkeys(filters.category)),
        property_class=tuple(dict.fromkeys(filters.property_class)),
        updated_since=updated_since,
    )
    return PermitSearch(
        query,
        filters.cursor,
        filters.include_count,
        filters.include_raw,
        fields,
        filters.format,
        ids,
    )


def _property(filters: PermitFilters) -> ParcelQuery | None:
    """The property filters as a parcel query, or None when none is given."""
    wanted = replace(
        property_query(filters),
        year_built_from=filters.property_min_year_built,
        year_built_to=filters.property_max_year_built,
    )
    return None if wanted == ParcelQuery() else wanted


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def permit_search(filters: Annotated[PermitFilters, Query()]) -> PermitSearch:
    return to_search(filters)
