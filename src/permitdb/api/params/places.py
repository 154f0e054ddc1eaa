"""Query parameters of the browse lists that narrow them (paging is ``api.paging``), and the
geo id and metrics parameters of ``/v1/places``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query

from permitdb.api.errors import UnknownJurisdiction
from permitdb.api.openapi import example
from permitdb.api.params.permits import invalid
from permitdb.api.params.types import IsoDate
from permitdb.api.state import ApiState
from permitdb.normalize import geo_ids
from permitdb.services import places
from permitdb.store.place_metrics import ALL
from permitdb.vocabulary import PropertyType, Tag


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def state_filter(
    state: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}$",
            description="USPS code, any case",
            openapi_examples=example("TX"),
        ),
    ] = None,
) -> str | None:
    return state.upper() if state else None


async def jurisdiction_filter(
    jurisdiction: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Jurisdiction slug, e.g. austin-tx",
            openapi_examples=example("austin-tx"),
        ),
    ] = None,
) -> str | None:
    return jurisdiction


def check_jurisdictions(state: ApiState, slugs: Sequence[str]) -> None:
    """422 ``unknown_jurisdiction`` naming the nearest known slugs, rather than an empty 200
    that reads as "no permits there"."""
    unknown = places.unknown_jurisdictions(state.engine, state.catalog, slugs)
    if not unknown:
        return
    names = ", ".join(f"'{slug}'" for slug in unknown)
    raise UnknownJurisdiction(
        f"No jurisdiction has the slug {names}. GET /v1/jurisdictions lists every slug; "
        "'details' names the nearest ones.",
        details=[
            {
                "loc": ["query", "jurisdiction"],
                "msg": f"unknown jurisdiction '{slug}'",
                "type": "unknown_jurisdiction",
                "nearest": close,
            }
            for slug, close in unknown.items()
        ],
    )


GeoIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=geo_ids.MAX_LENGTH,
        description="A geo id: state-tx, county-48453, city-tx-austin, zip-78701, "
        "jurisdiction-austin-tx or address-<16 hex> (docs/places.md)",
        openapi_examples=example("city-tx-austin"),
    ),
]


@dataclass(frozen=True, slots=True)
class MetricsFilters:
    start: date | None  # the first day of the from month
    end: date | None
    property_type: str
    tag: str


async def metrics_filters(
    start: Annotated[
        IsoDate | None,
        Query(
            alias="from",
            description="First month (any day in it), YYYY-MM-DD",
            openapi_examples=example("2025-01-01"),
        ),
    ] = None,
    end: Annotated[
        IsoDate | None,
        Query(
            alias="to",
            description="Last month (any day in it), YYYY-MM-DD",
            openapi_examples=example("2026-12-31"),
        ),
    ] = None,
    property_type: Annotated[
        PropertyType | Literal["all"],
        Query(
            description="A property type (docs/vocabulary.md), or 'all'; 'unknown' until "
            "parcels enrich permits",
            openapi_examples=example("all"),
        ),
    ] = ALL,
    tag: Annotated[
        Tag | Literal["all"],
        Query(
            description="A tag (GET /v1/tags), or 'all' for every permit",
            openapi_examples=example("solar"),
        ),
    ] = ALL,
) -> MetricsFilters:
    """The metrics' months and dimensions; 422 ``range_order`` when from is after to."""
    first = start.replace(day=1) if start else None
    if first and end and first > end:
        raise invalid("from", f"from ({start}) is after to ({end}); swap them", "range_order")
    return MetricsFilters(first, end, property_type, tag)
