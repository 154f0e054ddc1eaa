"""``/v1/jurisdictions``: public coverage, so callers know what exists and how fresh it is;
and requests (API key) for the jurisdictions not covered yet.

The request routes are declared before ``/{slug}``: Starlette matches in order, and
``/requests`` would otherwise be read as a jurisdiction slug.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from permitdb.api.auth import AnyKey
from permitdb.api.cursors import decode_requests_cursor, encode_requests_cursor
from permitdb.api.errors import (
    InvalidApiKey,
    InvalidCursor,
    JurisdictionNotFound,
    MissingApiKey,
    ServiceUnavailable,
    error_responses,
)
from permitdb.api.params.paging import PageRequest, page_request
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.jurisdictions import (
    Jurisdiction,
    JurisdictionList,
    JurisdictionRequestBody,
    JurisdictionRequestList,
    JurisdictionRequestResult,
    jurisdictions_json,
    request_json,
    request_result_json,
)
from permitdb.api.state import Conn, State
from permitdb.services import jurisdictions as jurisdiction_service
from permitdb.store.datasets import jurisdiction_stats

router = APIRouter(prefix="/v1/jurisdictions", tags=["jurisdictions"])

_KEY_ERRORS = (MissingApiKey, InvalidApiKey, ServiceUnavailable)


@router.get(
    "",
    response_model=JurisdictionList,
    summary="List jurisdictions",
    responses=error_responses(ServiceUnavailable),
)
def list_jurisdictions(conn: Conn, state: State) -> OrjsonResponse:
    """Every catalog jurisdiction (zero counts before its first sync) and every stored one."""
    items = jurisdictions_json(state.catalog, jurisdiction_stats(conn))
    return OrjsonResponse({"data": items, "returned": len(items)})


@router.post(
    "/requests",
    response_model=JurisdictionRequestResult,
    status_code=201,
    summary="Request a jurisdiction, or upvote its request",
    responses={
        200: {
            "model": JurisdictionRequestResult,
            "description": "An upvote of an existing request (voted: false if this key had "
            "voted already), or status covered with the slug of a jurisdiction already served",
        },
        **error_responses(*_KEY_ERRORS),
    },
)
def request_jurisdiction(
    key: AnyKey, state: State, body: JurisdictionRequestBody
) -> OrjsonResponse:
    """201 with a new request; 200 with an existing one, counting this key's vote once."""
    outcome = jurisdiction_service.request_jurisdiction(
        state.engine,
        state.catalog,
        name=body.name,
        state=body.state,
        api_key_id=key.id,
        now=datetime.now(UTC),
    )
    return OrjsonResponse(request_result_json(outcome), status_code=201 if outcome.created else 200)


@router.get(
    "/requests",
    response_model=JurisdictionRequestList,
    summary="List jurisdiction requests",
    responses=error_responses(*_KEY_ERRORS, InvalidCursor),
)
def list_jurisdiction_requests(
    _key: AnyKey, state: State, page: Annotated[PageRequest, Depends(page_request)]
) -> OrjsonResponse:
    """Requests for jurisdictions not covered yet, most votes first."""
    secret = state.settings.secret_key.get_secret_value()
    after = decode_requests_cursor(page.cursor, secret) if page.cursor else None
    rows, next_keyset = jurisdiction_service.list_requests(
        state.engine, limit=page.limit, after=after
    )
    return OrjsonResponse(
        {
            "data": [request_json(row) for row in rows],
            "returned": len(rows),
            "next_cursor": encode_requests_cursor(next_keyset, secret) if next_keyset else None,
        }
    )


@router.get(
    "/{slug}",
    response_model=Jurisdiction,
    summary="Get one jurisdiction",
    responses=error_responses(JurisdictionNotFound, ServiceUnavailable),
)
def read_jurisdiction(
    conn: Conn,
    state: State,
    slug: Annotated[str, Path(max_length=100, description="Jurisdiction slug, e.g. austin-tx")],
) -> OrjsonResponse:
    for item in jurisdictions_json(state.catalog, jurisdiction_stats(conn)):
        if item["slug"] == slug:
            return OrjsonResponse(item)
    raise JurisdictionNotFound(f"No jurisdiction '{slug}'. GET /v1/jurisdictions lists every slug.")
