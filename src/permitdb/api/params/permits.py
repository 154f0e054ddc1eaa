"""Query parameters of ``GET /v1/permits``, validated and turned into a ``store.PermitQuery``.

Names follow the reference APIs users migrate from (``*_from``/``*_to`` dates, repeatable
filters, ``tags`` with ``-tag`` exclusion as in Shovels, ``record_class`` as in DataJackpot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from fastapi import Query

from permitdb.api.errors import InvalidParameter
from permitdb.services.exports import FORMATS
from permitdb.store.permits import PermitQuery
from permitdb.vocabulary import TAGS, PropertyClass, RecordClass, Status, StatusPhase, Tag

RecordClassParam = RecordClass | Literal["all"]
# "json" pages; the others stream the whole result as one file (services.exports)
SearchFormat = Literal["json", "csv", "ndjson", "geojson", "parquet"]
T = TypeVar("T", date, Decimal)


@dataclass(frozen=True, slots=True)
class PermitSearch:
    query: PermitQuery
    cursor: str | None
    include_count: bool
    include_raw: bool
    format: SearchFormat


def _invalid(name: str, message: str, kind: str = "value_error") -> InvalidParameter:
    return InvalidParameter(
        f"Invalid value for query.{name}: {message}",
        details=[{"loc": ["query", name], "msg": message, "type": kind}],
    )


def _ordered(low_name: str, low: T | None, high_name: str, high: T | None) -> None:
    if low is not None and high is not None and low > high:
        raise _invalid(
            low_name, f"{low_name} ({low}) is after {high_name} ({high}); swap them", "range_order"
        )


def split_tags(values: list[str]) -> tuple[tuple[Tag, ...], tuple[Tag, ...]]:
    """``tags=solar,battery&tags=-roofing`` → (("solar", "battery"), ("roofing",))."""
    include: list[Tag] = []
    exclude: list[Tag] = []
    for value in values:
        for part in filter(None, (p.strip() for p in value.split(","))):
            name = part.removeprefix("-")
            if name not in TAGS:
                raise _invalid("tags", f"'{name}' is not a tag; see docs/vocabulary.md", "enum")
            (exclude if part.startswith("-") else include).append(name)  # type: ignore[arg-type]
    return tuple(dict.fromkeys(include)), tuple(dict.fromkeys(exclude))


def _check_export(
    search_format: SearchFormat, cursor: str | None, include_count: bool, include_raw: bool
) -> None:
    """An export is the whole result in one file: paging parameters have no meaning there."""
    if search_format == "json":
        return
    for name, given in (("cursor", cursor is not None), ("include_count", include_count)):
        if given:
            raise _invalid(
                name,
                f"format={search_format} streams every matching permit in one file, so it takes "
                f"no {name}; drop {name}, or use format=json to page",
                "export_paging",
            )
    if include_raw and not FORMATS[search_format].nested:
        raise _invalid(
            "include_raw",
            f"format={search_format} has flat columns and cannot hold the raw record; drop "
            "include_raw, or use format=ndjson or format=geojson",
            "export_raw",
        )


def _record_classes(values: list[RecordClassParam]) -> tuple[RecordClass, ...]:
    if not values:
        return ("permit",)
    if "all" in values:
        return ()
    return tuple(dict.fromkeys(v for v in values if v != "all"))


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def permit_search(
    *,
    state: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="USPS code")] = None,
    city: Annotated[str | None, Query(description="City, case-insensitive")] = None,
    zip: Annotated[str | None, Query(pattern=r"^\d{5}$", description="5-digit ZIP")] = None,
    jurisdiction: Annotated[
        list[str], Query(default_factory=list, description="Jurisdiction slug; repeatable")
    ],
    record_class: Annotated[
        list[RecordClassParam],
        Query(default_factory=list, description="Repeatable; 'all' for every class"),
    ],
    status: Annotated[
        list[Status], Query(default_factory=list, description="Normalized status; repeatable")
    ],
    status_phase: Annotated[
        list[StatusPhase], Query(default_factory=list, description="open / closed / unknown")
    ],
    tags: Annotated[
        list[str],
        Query(
            default_factory=list,
            description="Repeatable or comma-separated; '-tag' excludes. All must match",
        ),
    ],
    category: Annotated[
        list[Tag], Query(default_factory=list, description="Main category; repeatable")
    ],
    property_class: Annotated[
        list[PropertyClass], Query(default_factory=list, description="Repeatable")
    ],
    permit_type: Annotated[str | None, Query(description="Exact raw permit type")] = None,
    filed_from: Annotated[
        date | None, Query(description="Applied on or after (YYYY-MM-DD)")
    ] = None,
    filed_to: Annotated[date | None, Query(description="Applied on or before")] = None,
    issued_from: Annotated[date | None, Query(description="Issued on or after")] = None,
    issued_to: Annotated[date | None, Query(description="Issued on or before")] = None,
    finaled_from: Annotated[date | None, Query(description="Finaled on or after")] = None,
    finaled_to: Annotated[date | None, Query(description="Finaled on or before")] = None,
    min_valuation: Annotated[Decimal | None, Query(ge=0, description="US dollars")] = None,
    max_valuation: Annotated[Decimal | None, Query(ge=0, description="US dollars")] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Full-text search")
    ] = None,
    contractor: Annotated[str | None, Query(description="Contractor name contains")] = None,
    permit_number: Annotated[str | None, Query(description="Exact permit number")] = None,
    parcel_id: Annotated[str | None, Query(description="Exact parcel id")] = None,
    address_key: Annotated[str | None, Query(description="Exact address key")] = None,
    updated_since: Annotated[
        datetime | None, Query(description="Changed at or after (ISO 8601; UTC if no offset)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size")] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    include_count: Annotated[bool, Query(description="Add total (capped at 10,000)")] = False,
    include_raw: Annotated[bool, Query(description="Add each record's raw source")] = False,
    format: Annotated[
        SearchFormat,
        Query(description="json pages; csv, ndjson, geojson, parquet: every result as a file"),
    ] = "json",
) -> PermitSearch:
    _ordered("filed_from", filed_from, "filed_to", filed_to)
    _ordered("issued_from", issued_from, "issued_to", issued_to)
    _ordered("finaled_from", finaled_from, "finaled_to", finaled_to)
    _ordered("min_valuation", min_valuation, "max_valuation", max_valuation)
    _check_export(format, cursor, include_count, include_raw)
    include_tags, exclude_tags = split_tags(tags)
    if updated_since is not None and updated_since.tzinfo is None:
        updated_since = updated_since.replace(tzinfo=UTC)
    query = PermitQuery(
        state=state.upper() if state else None,
        city=city,
        zip=zip,
        jurisdiction=tuple(jurisdiction),
        record_class=_record_classes(record_class),
        status=tuple(status),
        status_phase=tuple(status_phase),
        tags=include_tags,
        exclude_tags=exclude_tags,
        category=tuple(category),
        property_class=tuple(property_class),
        permit_type=permit_type,
        filed_from=filed_from,
        filed_to=filed_to,
        issued_from=issued_from,
        issued_to=issued_to,
        finaled_from=finaled_from,
        finaled_to=finaled_to,
        min_valuation=min_valuation,
        max_valuation=max_valuation,
        q=q,
        contractor=contractor,
        permit_number=permit_number,
        parcel_id=parcel_id,
        address_key=address_key,
        updated_since=updated_since,
        limit=limit,
    )
    return PermitSearch(query, cursor, include_count, include_raw, format)
