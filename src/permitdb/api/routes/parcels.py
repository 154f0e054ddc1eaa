"""``/v1/parcels``: assessor parcels (properties) by DataJackpot's and Shovels' filters, one by
id, and the permits pulled on one.

Pages are keyset-paged by id with a signed cursor (``api.cursors``), like ``/v1/permits``.
Owner names are person-level: served only when the operator enables them
(``PERMITDB_SERVE_OWNER_NAMES``), and each answer says which (``owner_names``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends

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
from permitdb.api.paging import ListPaging, list_paging
from permitdb.api.params.parcels import ParcelFilters, ParcelId, parcel_filters, to_query
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

router = APIRouter(prefix="/v1/parcels", tags=["parcels"])
_ERRORS = (*AUTH_ERRORS, InvalidCursor, InvalidParameter, UnknownParameter)


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
    filters: Annotated[ParcelFilters, Depends(parcel_filters)],
) -> OrjsonResponse:
    """Assessor parcels matching every filter given, in id order, cursor-paged."""
    query = to_query(filters)
    owners = _owners(key, query)
    secret = state.settings.signing_secrets()
    scope = cursors.digest(asdict(query))
    after = None
    if filters.cursor:
        (position,) = cursors.verify(filters.cursor, 1, scope, secret)
        after = str(position)
    page = parcel_service.search(state.engine, query, limit=filters.limit, after=after)
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
