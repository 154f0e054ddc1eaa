"""``/v1/parcels``: assessor parcels (properties) by DataJackpot's and Shovels' filters, one by
id, and the permits pulled on one.

Pages are keyset-paged by id with a signed cursor (``api.cursors``), like ``/v1/permits``.
Owner names are person-level: served only when the operator enables them
(``PERMITDB_SERVE_OWNER_NAMES``), and each answer says which (``owner_names``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from permitdb.api import cursors
from permitdb.api.auth import AUTH_ERRORS, PEOPLE_SCOPE, ParcelsRead
from permitdb.api.cursors import decode_cursor, encode_cursor
from permitdb.api.errors import (
    InsufficientScope,
    InvalidCursor,
    InvalidParameter,
    ParcelNotFound,
    UnknownParameter,
    error_responses,
)
from permitdb.api.openapi import example
from permitdb.api.paging import ListPaging, list_paging
from permitdb.api.params.geography import county_codes
from permitdb.api.params.permits import parsed
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.parcels import ParcelDetail, ParcelPage, owner_names, parcel_json
from permitdb.api.schemas.permits import PermitPage, permit_json
from permitdb.api.state import State
from permitdb.canonical import ParcelRecord
from permitdb.services import parcels as parcel_service
from permitdb.services import permits as permit_service
from permitdb.store.api_keys import ApiKeyRow
from permitdb.store.parcels import ParcelQuery
from permitdb.store.permits import PermitQuery
from permitdb.vocabulary import PropertyType

router = APIRouter(prefix="/v1/parcels", tags=["parcels"])
ParcelId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        description="Parcel record id (the id field of GET /v1/parcels)",
        examples=["opwbqljuss7q5uxavvo44vfbig"],
    ),
]
_ERRORS = (*AUTH_ERRORS, InvalidCursor, InvalidParameter, UnknownParameter)
Whole = Annotated[
    int | None,
    Query(
        ge=0,
        le=2**53,
        description="Inclusive bound (square feet or a count)",
        openapi_examples=example(2),
    ),
]
Money = Annotated[
    Decimal | None,
    Query(
        ge=0,
        le=Decimal("1e15"),
        allow_inf_nan=False,
        description="Inclusive bound, USD",
        openapi_examples=example(500000),
    ),
]
Year = Annotated[
    int | None,
    Query(ge=1000, le=2200, description="Year built, inclusive", openapi_examples=example(1950)),
]
SaleDate = Annotated[
    date | None,
    Query(
        description="Last sale date, inclusive (YYYY-MM-DD)", openapi_examples=example("2024-01-01")
    ),
]


def parcel_query(
    state: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}$", description="Two-letter state", openapi_examples=example("NY")
        ),
    ] = None,
    county_name: Annotated[
        str | None,
        Query(
            max_length=100,
            description="County name (with state=) or 5-digit FIPS",
            openapi_examples=example("Bronx"),
        ),
    ] = None,
    situs_city: Annotated[
        str | None,
        Query(max_length=100, description="Situs city", openapi_examples=example("Bronx")),
    ] = None,
    jurisdiction: Annotated[
        list[str],
        Query(
            max_length=50,
            description="Jurisdiction slug (repeatable)",
            openapi_examples=example(["new-york-city-ny"]),
        ),
    ] = [],  # noqa: B006 - FastAPI copies the default
    use_code: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Raw land-use / class code, e.g. A5, 203",
            openapi_examples=example("A5"),
        ),
    ] = None,
    property_type: Annotated[
        list[PropertyType],
        Query(
            description="Property type (repeatable; any of)",
            openapi_examples=example(["single_family"]),
        ),
    ] = [],  # noqa: B006
    parcel_id: Annotated[
        str | None,
        Query(
            max_length=64,
            description="Parcel id in any spelling (BBL, PIN)",
            openapi_examples=example("2054800121"),
        ),
    ] = None,
    owner: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=100,
            description="Owner name contains (case-insensitive); only where the operator "
            "serves owner names",
            openapi_examples=example("REALTY"),
        ),
    ] = None,
    year_built_from: Year = None,
    year_built_to: Year = None,
    sale_date_from: SaleDate = None,
    sale_date_to: SaleDate = None,
    assessed_min: Money = None,
    assessed_max: Money = None,
    property_min_market_value: Money = None,
    property_max_market_value: Money = None,
    property_min_building_area: Whole = None,
    property_max_building_area: Whole = None,
    property_min_lot_size: Whole = None,
    property_max_lot_size: Whole = None,
    property_min_stories: Whole = None,
    property_max_stories: Whole = None,
    property_min_unit_count: Whole = None,
    property_max_unit_count: Whole = None,
) -> ParcelQuery:
    counties = parsed("county_name", "query", county_codes, county_name, state)
    return ParcelQuery(
        state=state,
        county_fips=counties,
        city=situs_city,
        jurisdiction=tuple(dict.fromkeys(jurisdiction)),
        use_code=use_code,
        property_type=tuple(dict.fromkeys(property_type)),
        parcel_id=parcel_id,
        owner=owner,
        year_built_from=year_built_from,
        year_built_to=year_built_to,
        sale_date_from=sale_date_from,
        sale_date_to=sale_date_to,
        min_assessed_value=assessed_min,
        max_assessed_value=assessed_max,
        min_market_value=property_min_market_value,
        max_market_value=property_max_market_value,
        min_building_area=property_min_building_area,
        max_building_area=property_max_building_area,
        min_lot_size=property_min_lot_size,
        max_lot_size=property_max_lot_size,
        min_stories=property_min_stories,
        max_stories=property_max_stories,
        min_units=property_min_unit_count,
        max_units=property_max_unit_count,
    )


def _owners(key: ApiKeyRow, query: ParcelQuery | None = None) -> bool:
    """Owner names are person-level: served, and filtered on, only with the people:read scope
    (as a permit's owner and applicant are)."""
    allowed = PEOPLE_SCOPE in key.scopes
    if query is not None and query.owner and not allowed:
        raise InsufficientScope(
            "owner= filters on owner names, which are person-level data: use a key with the "
            f"{PEOPLE_SCOPE} scope (permitdb keys create --scope {PEOPLE_SCOPE})."
        )
    return allowed


@router.get(
    "",
    response_model=ParcelPage,
    summary="Search parcels (properties)",
    responses=error_responses(*_ERRORS),
)
def list_parcels(
    key: ParcelsRead,
    state: State,
    query: Annotated[ParcelQuery, Depends(parcel_query)],
    paging: Annotated[ListPaging, Depends(list_paging)],
) -> OrjsonResponse:
    """Assessor parcels matching every filter given, in id order, cursor-paged."""
    owners = _owners(key, query)
    secret = state.settings.signing_secrets()
    scope = cursors.digest(asdict(query))
    after = None
    if paging.cursor:
        (position,) = cursors.verify(paging.cursor, 1, scope, secret)
        after = str(position)
    page = parcel_service.search(state.engine, query, limit=paging.limit, after=after)
    next_cursor = cursors.sign([page.next_after], scope, secret) if page.next_after else None
    return OrjsonResponse(
        {
            "data": [parcel_json(r, owners=owners) for r in page.records],
            "returned": len(page.records),
            "next_cursor": next_cursor,
            "owner_names": owner_names(owners),
        }
    )


def _parcel(state: State, parcel_record_id: str) -> ParcelRecord:
    found = parcel_service.by_id(state.engine, parcel_record_id)
    if found is None:
        raise ParcelNotFound()
    return found


@router.get(
    "/{parcel_record_id}",
    response_model=ParcelDetail,
    summary="Get one parcel",
    responses=error_responses(*AUTH_ERRORS, ParcelNotFound),
)
def read_parcel(key: ParcelsRead, state: State, parcel_record_id: ParcelId) -> OrjsonResponse:
    owners = _owners(key)
    body = parcel_json(_parcel(state, parcel_record_id), owners=owners)
    return OrjsonResponse({**body, "owner_names": owner_names(owners)})


@router.get(
    "/{parcel_record_id}/permits",
    response_model=PermitPage,
    summary="List the permits pulled on one parcel",
    responses=error_responses(*AUTH_ERRORS, ParcelNotFound, InvalidCursor, InvalidParameter),
)
def read_parcel_permits(
    key: ParcelsRead,
    state: State,
    parcel_record_id: ParcelId,
    paging: Annotated[ListPaging, Depends(list_paging)],
) -> OrjsonResponse:
    """Permits and certificates of occupancy with the parcel's id in its state, or its address,
    newest issue date first. Owner and applicant names need the people:read scope."""
    parcel = _parcel(state, parcel_record_id)
    query = parcel_service.permits_query(parcel, PermitQuery(limit=paging.limit))
    secret = state.settings.signing_secrets()
    after = decode_cursor(paging.cursor, query, secret) if paging.cursor else None
    page = permit_service.search(state.engine, query, after=after, include_count=False)
    people = PEOPLE_SCOPE in key.scopes
    return OrjsonResponse(
        {
            "data": [
                permit_json(r, include_raw=False, people=people, joined=page.joined)
                for r in page.records
            ],
            "returned": len(page.records),
            "next_cursor": encode_cursor(page.next_keyset, query, secret)
            if page.next_keyset
            else None,
        }
    )
