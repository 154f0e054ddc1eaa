"""``/v1/jurisdictions/requests``: users ask for the jurisdictions not covered yet (API key).

Included before the jurisdictions router: Starlette matches in order, and ``/requests`` would
otherwise be read as a jurisdiction slug.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from permitdb.api.auth import AnyKey
from permitdb.api.cursors import decode_requests_cursor, encode_requests_cursor
from permitdb.api.errors import (
    InvalidApiKey,
    InvalidCursor,
    MissingApiKey,
    ServiceUnavailable,
    error_responses,
)
from permitdb.api.paging import ListPaging, list_paging
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.jurisdiction_requests import (
    JurisdictionRequestBody,
    JurisdictionRequestList,
    JurisdictionRequestResult,
    request_json,
    request_result_json,
)
from permitdb.api.state import State
from permitdb.services import jurisdiction_requests as request_service

router = APIRouter(prefix="/v1/jurisdictions/requests", tags=["jurisdictions"])

_KEY_ERRORS = (MissingApiKey, InvalidApiKey, ServiceUnavailable)


@router.post(
    "",
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
    outcome = request_service.request_jurisdiction(
        state.engine,
        state.catalog,
        name=body.name,
        state=body.state,
        api_key_id=key.id,
        now=datetime.now(UTC),
    )
    return OrjsonResponse(request_result_json(outcome), status_code=201 if outcome.created else 200)


@router.get(
    "",
    response_model=JurisdictionRequestList,
    summary="List jurisdiction requests",
    responses=error_responses(*_KEY_ERRORS, InvalidCursor),
)
def list_jurisdiction_requests(
    _key: AnyKey, state: State, page: Annotated[ListPaging, Depends(list_paging)]
) -> OrjsonResponse:
    """Requests for jurisdictions not covered yet, most votes first."""
    secret = state.settings.signing_secrets()
    after = decode_requests_cursor(page.cursor, secret) if page.cursor else None
    rows, next_keyset = request_service.list_requests(state.engine, limit=page.limit, after=after)
    return OrjsonResponse(
        {
            "data": [request_json(row) for row in rows],
            "returned": len(rows),
            "next_cursor": encode_requests_cursor(next_keyset, secret) if next_keyset else None,
        }
    )
