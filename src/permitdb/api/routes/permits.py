"""``/v1/permits``: search with keyset paging, and one permit by id.

The routes open their connection themselves rather than through the ``Conn`` dependency: a
generator dependency costs two thread-pool hops per request (enter and exit), more than a
by-id lookup's query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from permitdb.api.auth import PermitsRead
from permitdb.api.cursors import decode_cursor, encode_cursor
from permitdb.api.errors import (
    InsufficientScope,
    InvalidApiKey,
    InvalidCursor,
    MissingApiKey,
    PermitNotFound,
    ServiceUnavailable,
    error_responses,
)
from permitdb.api.openapi import example, link_to
from permitdb.api.params.permits import PermitSearch, permit_search
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.permits import Permit, PermitPage, permit_json
from permitdb.api.state import State
from permitdb.services import permits as permit_service

router = APIRouter(prefix="/v1/permits", tags=["permits"])

_AUTH_ERRORS = (MissingApiKey, InvalidApiKey, InsufficientScope, ServiceUnavailable)


@router.get(
    "",
    response_model=PermitPage,
    summary="Search permits",
    responses={
        **error_responses(*_AUTH_ERRORS, InvalidCursor),
        **link_to(
            "read_permit",
            "The first permit of the page, by its id",
            permit_id="$response.body#/data/0/id",
        ),
    },
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
    permit_id: Annotated[
        str,
        Path(
            min_length=1,
            max_length=128,
            description="Permit id: the 'id' of a GET /v1/permits result",
            openapi_examples=example("e5d5bee3e98d61155aba84c6147d1298"),
        ),
    ],
) -> OrjsonResponse:
    record = permit_service.by_id(state.engine, permit_id)
    if record is None:
        raise PermitNotFound()
    return OrjsonResponse(permit_json(record, include_raw=True))
