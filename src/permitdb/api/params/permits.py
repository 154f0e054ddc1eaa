"""Query parameters of ``GET /v1/permits``, validated and turned into a ``store.PermitQuery``.

Names follow the reference APIs users migrate from (``*_from``/``*_to`` dates, repeatable
filters, ``tags`` with ``-tag`` exclusion as in Shovels, ``record_class`` as in DataJackpot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from fastapi import Query

from permitdb.api.errors import InvalidParameter
from permitdb.api.openapi import example
from permitdb.api.params.types import Cursor, Dollars, IsoDate, IsoDateTime, TagFilter
from permitdb.store.permits import PermitQuery
from permitdb.vocabulary import TAGS, PropertyClass, RecordClass, Status, StatusPhase, Tag

RecordClassParam = RecordClass | Literal["all"]
# The shape of a real next_cursor; the server refuses it (400 invalid_cursor): it is signed.
_CURSOR_EXAMPLE = (
    "WyIyMDI2LTAzLTE2IiwiZTVkNWJlZTNlOThkNjExNTVhYmE4NGM2MTQ3ZDEyOTgiLCIzZjlhMWMwYjdkMmUiLCI4"
    "YzFmNGUyYTliN2Q2YzMwIl0"
)
T = TypeVar("T", date, Decimal)


@dataclass(frozen=True, slots=True)
class PermitSearch:
    query: PermitQuery
    cursor: str | None
    include_count: bool
    include_raw: bool


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


def _split_tags(values: list[str]) -> tuple[tuple[Tag, ...], tuple[Tag, ...]]:
    """``tags=solar,battery&tags=-roofing`` → (("solar", "battery"), ("roofing",))."""
    include: list[Tag] = []
    exclude: list[Tag] = []
    for value in values:
        for part in filter(None, (p.strip(" ") for p in value.split(","))):
            name = part.removeprefix("-")
            if name not in TAGS:
                raise _invalid("tags", f"'{name}' is not a tag; see docs/vocabulary.md", "enum")
            (exclude if part.startswith("-") else include).append(name)  # type: ignore[arg-type]
    return tuple(dict.fromkeys(include)), tuple(dict.fromkeys(exclude))


def _record_classes(values: list[RecordClassParam]) -> tuple[RecordClass, ...]:
    if not values:
        return ("permit",)
    if "all" in values:
        return ()
    return tuple(dict.fromkeys(v for v in values if v != "all"))


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def permit_search(
    *,
    state: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2}$", description="USPS code", openapi_examples=example("TX")),
    ] = None,
    city: Annotated[
        str | None,
        Query(description="City, case-insensitive", openapi_examples=example("Austin")),
    ] = None,
    zip: Annotated[
        str | None,
        Query(pattern=r"^\d{5}$", description="5-digit ZIP", openapi_examples=example("78701")),
    ] = None,
    jurisdiction: Annotated[
        list[str],
        Query(
            default_factory=list,
            description="Jurisdiction slug; repeatable",
            openapi_examples=example(["austin-tx"]),
        ),
    ],
    record_class: Annotated[
        list[RecordClassParam],
        Query(
            default_factory=list,
            description="Repeatable; 'all' for every class",
            openapi_examples=example(["permit"]),
        ),
    ],
    status: Annotated[
        list[Status],
        Query(
            default_factory=list,
            description="Normalized status; repeatable",
            openapi_examples=example(["issued", "inspection"]),
        ),
    ],
    status_phase: Annotated[
        list[StatusPhase],
        Query(
            default_factory=list,
            description="open / closed / unknown",
            openapi_examples=example(["open"]),
        ),
    ],
    tags: Annotated[
        list[TagFilter],
        Query(
            default_factory=list,
            description="Repeatable or comma-separated; '-tag' excludes. All must match",
            openapi_examples=example(["solar", "-roofing"], "solar permits that are not roofing"),
        ),
    ],
    category: Annotated[
        list[Tag],
        Query(
            default_factory=list,
            description="Main category; repeatable",
            openapi_examples=example(["solar"]),
        ),
    ],
    property_class: Annotated[
        list[PropertyClass],
        Query(
            default_factory=list,
            description="Repeatable",
            openapi_examples=example(["residential"]),
        ),
    ],
    permit_type: Annotated[
        str | None,
        Query(description="Exact raw permit type", openapi_examples=example("Electrical Permit")),
    ] = None,
    filed_from: Annotated[
        IsoDate | None,
        Query(
            description="Applied on or after (YYYY-MM-DD)",
            openapi_examples=example("2026-01-01"),
        ),
    ] = None,
    filed_to: Annotated[
        IsoDate | None,
        Query(description="Applied on or before", openapi_examples=example("2026-12-31")),
    ] = None,
    issued_from: Annotated[
        IsoDate | None,
        Query(description="Issued on or after", openapi_examples=example("2026-01-01")),
    ] = None,
    issued_to: Annotated[
        IsoDate | None,
        Query(description="Issued on or before", openapi_examples=example("2026-12-31")),
    ] = None,
    finaled_from: Annotated[
        IsoDate | None,
        Query(description="Finaled on or after", openapi_examples=example("2026-01-01")),
    ] = None,
    finaled_to: Annotated[
        IsoDate | None,
        Query(description="Finaled on or before", openapi_examples=example("2026-12-31")),
    ] = None,
    min_valuation: Annotated[
        Dollars | None, Query(ge=0, description="US dollars", openapi_examples=example(10000))
    ] = None,
    max_valuation: Annotated[
        Dollars | None, Query(ge=0, description="US dollars", openapi_examples=example(50000))
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Full-text search",
            openapi_examples=example("solar battery"),
        ),
    ] = None,
    contractor: Annotated[
        str | None,
        Query(description="Contractor name contains", openapi_examples=example("Lone Star")),
    ] = None,
    permit_number: Annotated[
        str | None,
        Query(description="Exact permit number", openapi_examples=example("2026-000001 EP")),
    ] = None,
    parcel_id: Annotated[
        str | None, Query(description="Exact parcel id", openapi_examples=example("0206011001"))
    ] = None,
    address_key: Annotated[
        str | None,
        Query(
            description="Exact address key",
            openapi_examples=example("tx-78701-1100-congress-ave"),
        ),
    ] = None,
    updated_since: Annotated[
        IsoDateTime | None,
        Query(
            description="Changed at or after (ISO 8601; UTC if no offset)",
            openapi_examples=example("2026-03-01T00:00:00Z"),
        ),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=1000, description="Page size", openapi_examples=example(100))
    ] = 100,
    cursor: Annotated[
        Cursor | None,
        Query(
            description="next_cursor of the previous page, passed back unchanged",
            openapi_examples=example(_CURSOR_EXAMPLE, "a next_cursor (signed: copy yours)"),
        ),
    ] = None,
    include_count: Annotated[
        bool,
        Query(description="Add total (capped at 10,000)", openapi_examples=example(True)),
    ] = False,
    include_raw: Annotated[
        bool, Query(description="Add each record's raw source", openapi_examples=example(False))
    ] = False,
) -> PermitSearch:
    _ordered("filed_from", filed_from, "filed_to", filed_to)
    _ordered("issued_from", issued_from, "issued_to", issued_to)
    _ordered("finaled_from", finaled_from, "finaled_to", finaled_to)
    _ordered("min_valuation", min_valuation, "max_valuation", max_valuation)
    include_tags, exclude_tags = _split_tags(tags)
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
    return PermitSearch(query, cursor, include_count, include_raw)
