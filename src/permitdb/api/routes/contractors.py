"""``/v1/contractors``: search, a batch by ids, one contractor, a licence verification by
number, a contractor's permits and its monthly metrics. Routes translate HTTP only; the work
is ``services.contractors``'s."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import Field

from permitdb.api.auth import AUTH_ERRORS, PEOPLE_SCOPE, ContractorsRead
from permitdb.api.cursors import (
    decode_contractor_cursor,
    decode_cursor,
    encode_contractor_cursor,
    encode_cursor,
)
from permitdb.api.errors import (
    ContractorNotFound,
    InvalidCursor,
    LicenseNotFound,
    error_responses,
)
from permitdb.api.openapi import example, link_to
from permitdb.api.paging import ListPaging, list_paging
from permitdb.api.params.contractors import (
    CONTRACTOR_ID_EXAMPLE,
    ContractorFilters,
    ContractorId,
    contractor_filters,
    to_query,
)
from permitdb.api.params.permit_filters import MAX_IDS
from permitdb.api.params.permits import invalid
from permitdb.api.params.types import IsoDate
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.base import Schema
from permitdb.api.schemas.contractors import (
    ContractorMetrics,
    ContractorPage,
    ContractorProfile,
    LicenseVerification,
    contractor_json,
    totals_json,
    verification_json,
)
from permitdb.api.schemas.permits import PermitPage, permit_json
from permitdb.api.state import State
from permitdb.services import contractors as service
from permitdb.services.contractors import ContractorView
from permitdb.store.contractor_queries import MetricsWindow
from permitdb.store.permits import PermitQuery
from permitdb.vocabulary import Tag

router = APIRouter(prefix="/v1/contractors", tags=["contractors"])
IdPath = Annotated[
    str,
    # Any shape, unlike a batch's ids: a path that names no contractor is a 404, as
    # GET /v1/contractors/batch (a POST route) is, and not a 422 for its shape.
    Path(
        min_length=1,
        max_length=128,
        description="Contractor id",
        openapi_examples=example(CONTRACTOR_ID_EXAMPLE),
    ),
]
_NOT_FOUND = error_responses(*AUTH_ERRORS, ContractorNotFound)


class ContractorIds(Schema):
    ids: list[ContractorId] = Field(
        min_length=1,
        max_length=MAX_IDS,
        description=f"Contractor ids, up to {MAX_IDS}; answered in the order asked, each once",
        examples=[[CONTRACTOR_ID_EXAMPLE]],
    )


def _data(views: list[ContractorView]) -> list[dict[str, Any]]:
    return [contractor_json(view.row, view.licenses) for view in views]


def _batch(state: State, ids: list[str]) -> OrjsonResponse:
    views, not_found = service.by_ids(state.engine, ids)
    return OrjsonResponse(
        {"data": _data(views), "returned": len(views), "next_cursor": None, "not_found": not_found}
    )


@router.get(
    "",
    response_model=ContractorPage,
    summary="Search contractors",
    responses={
        **error_responses(*AUTH_ERRORS, InvalidCursor),
        **link_to(
            "read_contractor",
            "The first contractor of the page, by its id",
            contractor_id="$response.body#/data/0/id",
        ),
    },
)
def list_contractors(
    _key: ContractorsRead,
    state: State,
    filters: Annotated[ContractorFilters, Depends(contractor_filters)],
) -> OrjsonResponse:
    """Contractors matching every filter, the most recent permit first (licence-only
    contractors last), paged with ``next_cursor``. With ``id`` (repeatable, up to 50, no
    filters): those contractors in the order asked, and ``not_found``."""
    query = to_query(filters)
    if filters.id:
        return _batch(state, filters.id)
    secret = state.settings.signing_secrets()
    after = decode_contractor_cursor(filters.cursor, query, secret) if filters.cursor else None
    page = service.search(state.engine, query, after=after)
    next_keyset = page.next_keyset
    return OrjsonResponse(
        {
            "data": _data(page.contractors),
            "returned": len(page.contractors),
            "next_cursor": (
                encode_contractor_cursor(next_keyset, query, secret) if next_keyset else None
            ),
        }
    )


@router.post(
    "/batch",
    response_model=ContractorPage,
    summary="Get contractors by ids (JSON body)",
    responses=error_responses(*AUTH_ERRORS),
)
def read_contractors_batch(
    _key: ContractorsRead, state: State, body: Annotated[ContractorIds, Body()]
) -> OrjsonResponse:
    """Up to 50 contractors by id, in the order asked; the ids no contractor has in
    ``not_found``."""
    return _batch(state, body.ids)


@router.get(
    "/by-license/{license_number}",
    response_model=LicenseVerification,
    summary="Verify a contractor licence by number",
    responses=error_responses(*AUTH_ERRORS, LicenseNotFound),
)
def verify_license(
    _key: ContractorsRead,
    state: State,
    license_number: Annotated[
        str,
        Path(
            min_length=1,
            max_length=64,
            description="Licence number; spaces, dashes and case do not matter",
            openapi_examples=example("1000001"),
        ),
    ],
    license_state: Annotated[
        str | None,
        Query(
            alias="state",
            pattern=r"^[A-Za-z]{2}$",
            description="The issuing board's state; needed when boards of several states "
            "issued the number",
            openapi_examples=example("CA"),
        ),
    ] = None,
) -> OrjsonResponse:
    """The licence's name, status, classifications, expiry, bond and insurance where the
    board publishes them, and ``permits_last_90d`` of the contractor it resolved to."""
    today = datetime.now(UTC).date()
    found = service.by_license(state.engine, license_number, state=license_state, today=today)
    if found is None:
        raise LicenseNotFound()
    if isinstance(found, service.LicenseAmbiguous):
        states = ", ".join(found.states)
        message = f"boards of several states issued this number ({states}); give state="
        raise invalid("state", message, "ambiguous_license")
    return OrjsonResponse(
        verification_json(found.license, found.contractor, found.permits_last_90d)
    )


@router.get(
    "/{contractor_id}",
    response_model=ContractorProfile,
    summary="Get one contractor, with its licences",
    responses=_NOT_FOUND,
)
def read_contractor(_key: ContractorsRead, state: State, contractor_id: IdPath) -> OrjsonResponse:
    view = service.by_id(state.engine, contractor_id)
    if view is None:
        raise ContractorNotFound()
    return OrjsonResponse(contractor_json(view.row, view.licenses))


@router.get(
    "/{contractor_id}/permits",
    response_model=PermitPage,
    summary="Get one contractor's permits",
    responses=error_responses(*AUTH_ERRORS, ContractorNotFound, InvalidCursor),
)
def list_contractor_permits(
    key: ContractorsRead,
    state: State,
    contractor_id: IdPath,
    page: Annotated[ListPaging, Depends(list_paging)],
) -> OrjsonResponse:
    """The contractor's permits, newest issue date first, as ``GET /v1/permits`` serves
    them; page with ``next_cursor``."""
    query = PermitQuery(contractor_id=contractor_id, limit=page.limit)
    secret = state.settings.signing_secrets()
    after = decode_cursor(page.cursor, query, secret) if page.cursor else None
    found = service.permits(state.engine, query, after=after)
    if found is None:
        raise ContractorNotFound()
    people = PEOPLE_SCOPE in key.scopes
    next_keyset = found.next_keyset
    return OrjsonResponse(
        {
            "data": [
                permit_json(r, include_raw=False, people=people, joined=found.joined)
                for r in found.records
            ],
            "returned": len(found.records),
            "next_cursor": encode_cursor(next_keyset, query, secret) if next_keyset else None,
        }
    )


@router.get(
    "/{contractor_id}/metrics",
    response_model=ContractorMetrics,
    summary="Get one contractor's monthly permit metrics",
    responses=_NOT_FOUND,
)
def read_contractor_metrics(
    _key: ContractorsRead,
    state: State,
    contractor_id: IdPath,
    metric_from: Annotated[
        IsoDate | None,
        Query(description="Window start, inclusive", openapi_examples=example("2024-01-01")),
    ] = None,
    metric_to: Annotated[
        IsoDate | None,
        Query(description="Window end, inclusive", openapi_examples=example("2026-12-31")),
    ] = None,
    tag: Annotated[
        Tag | None,
        Query(description="Only permits with this tag", openapi_examples=example("electrical")),
    ] = None,
) -> OrjsonResponse:
    """Per month (of the issue date, else the application date), per month and tag, and per
    tag within the window: permit count and job value; lifetime totals over every permit."""
    if metric_from and metric_to and metric_from > metric_to:
        message = f"metric_from ({metric_from}) is after metric_to ({metric_to}); swap them"
        raise invalid("metric_from", message, "range_order")
    window = MetricsWindow(metric_from, metric_to, tag)
    found = service.metrics(state.engine, contractor_id, window)
    if found is None:
        raise ContractorNotFound()
    return OrjsonResponse(
        {
            "contractor_id": contractor_id,
            "metric_from": metric_from,
            "metric_to": metric_to,
            "tag": tag,
            "lifetime": totals_json(found.lifetime),
            "monthly": [totals_json(row) for row in found.monthly],
            "monthly_by_tag": [totals_json(row) for row in found.monthly_by_tag],
            "by_tag": [totals_json(row) for row in found.by_tag],
        }
    )
