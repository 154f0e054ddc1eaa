"""``/v1/permits``: search with keyset paging, one permit by id, and its change history.

The routes open their connection themselves rather than through the ``Conn`` dependency: a
generator dependency costs two thread-pool hops per request (enter and exit), more than a
by-id lookup's query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from permitdb.api.auth import PermitsRead
from permitdb.api.cursors import (
    decode_cursor,
    decode_history_cursor,
    encode_cursor,
    encode_history_cursor,
)
from permitdb.api.errors import (
    InsufficientScope,
    InvalidApiKey,
    InvalidCursor,
    MissingApiKey,
    PermitNotFound,
    ServiceUnavailable,
    error_responses,
)
from permitdb.api.params.paging import PageRequest, page_request
from permitdb.api.params.permits import PermitSearch, permit_search
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.permits import Permit, PermitHistory, PermitPage, permit_json
from permitdb.api.state import State
from permitdb.services import permits as permit_service

router = APIRouter(prefix="/v1/permits", tags=["permits"])

_AUTH_ERRORS = (MissingApiKey, InvalidApiKey, InsufficientScope, ServiceUnavailable)
PermitId = Annotated[str, Path(min_length=1, max_length=128, description="Permit id")]


@router.get(
    "",
    response_model=PermitPage,
    summary="Search permits",
    responses=error_responses(*_AUTH_ERRORS, InvalidCursor),
)
def list_permits(
    _key: PermitsRead,
    state: State,
    search: Annotated[PermitSearch, Depends(permit_search)],
) -> OrjsonResponse:
    """Permits matching every filter, newest issue date first (no issue date last).

    Page with ``next_cursor``: pages stay consistent while new permits arrive.
    """
    secret = state.settings.secret_key.get_secret_value()
    after = decode_cursor(search.cursor, search.query, secret) if search.cursor else None
    page = permit_service.search(
        state.engine, search.query, after=after, include_count=search.include_count
    )
    next_keyset = page.next_keyset
    body: dict[str, object] = {
        "data": [permit_json(r, include_raw=search.include_raw) for r in page.records],
        "returned": len(page.records),
        "next_cursor": encode_cursor(next_keyset, search.query, secret) if next_keyset else None,
    }
    if page.total is not None:
        value, exact = page.total
        body["total"] = {"value": value, "relation": "eq" if exact else "gte"}
    return OrjsonResponse(body)


@router.get(
    "/{permit_id}",
    response_model=Permit,
    summary="Get one permit, with its raw source record",
    responses=error_responses(*_AUTH_ERRORS, PermitNotFound),
)
def read_permit(
    _key: PermitsRead,
    state: State,
    permit_id: PermitId,
) -> OrjsonResponse:
    record = permit_service.by_id(state.engine, permit_id)
    if record is None:
        raise PermitNotFound()
    return OrjsonResponse(permit_json(record, include_raw=True))


@router.get(
    "/{permit_id}/history",
    response_model=PermitHistory,
    summary="Get one permit's change history",
    responses=error_responses(*_AUTH_ERRORS, PermitNotFound, InvalidCursor),
)
def read_permit_history(
    _key: PermitsRead,
    state: State,
    permit_id: PermitId,
    page: Annotated[PageRequest, Depends(page_request)],
) -> OrjsonResponse:
    """Every field change a re-sync saw (observed_at, field, old, new), newest first."""
    secret = state.settings.secret_key.get_secret_value()
    after = decode_history_cursor(page.cursor, permit_id, secret) if page.cursor else None
    found = permit_service.history(state.engine, permit_id, limit=page.limit, after=after)
    if found is None:
        raise PermitNotFound()
    next_keyset = found.next_keyset
    return OrjsonResponse(
        {
            "permit_id": permit_id,
            "first_seen_at": found.head.first_seen_at,
            "change_count": found.head.changes,
            "data": [
                {
                    "observed_at": change.observed_at,
                    "field": change.field,
                    "old": change.old,
                    "new": change.new,
                    "run_id": change.run_id,
                }
                for change in found.changes
            ],
            "returned": len(found.changes),
            "next_cursor": (
                encode_history_cursor(next_keyset, permit_id, secret) if next_keyset else None
            ),
        }
    )
