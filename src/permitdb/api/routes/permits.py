"""``/v1/permits``: search with keyset paging (or as one exported file), and one permit by id.

The routes open their connection themselves rather than through the ``Conn`` dependency: a
generator dependency costs two thread-pool hops per request (enter and exit), more than a
by-id lookup's query.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from starlette.responses import Response, StreamingResponse

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
from permitdb.api.params.permits import PermitSearch, permit_search
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.permits import Permit, PermitPage, permit_json
from permitdb.api.state import State
from permitdb.services import exports as export_service
from permitdb.services import permits as permit_service

router = APIRouter(prefix="/v1/permits", tags=["permits"])

_AUTH_ERRORS = (MissingApiKey, InvalidApiKey, InsufficientScope, ServiceUnavailable)
_EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of permits; with format=csv|ndjson|geojson|parquet, every "
        "matching permit as one downloaded file (docs/api.md, Exports)",
        "content": {
            spec.media_type: {"schema": {"type": "string", "format": "binary"}}
            for spec in export_service.FORMATS.values()
        },
    }
}


@router.get(
    "",
    response_model=PermitPage,
    summary="Search permits",
    responses={**error_responses(*_AUTH_ERRORS, InvalidCursor), **_EXPORTS},
)
def list_permits(
    _key: PermitsRead,
    state: State,
    search: Annotated[PermitSearch, Depends(permit_search)],
) -> Response:
    """Permits matching every filter, newest issue date first (no issue date last).

    Page with ``next_cursor``: pages stay consistent while new permits arrive. Or ask for
    ``format=csv``, ``ndjson``, ``geojson`` or ``parquet``: every match, streamed as one file.
    """
    if search.format != "json":
        return _export(state, search, search.format)
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


def _export(
    state: State, search: PermitSearch, export_format: export_service.ExportFormat
) -> StreamingResponse:
    chunks = export_service.export_permits(
        state.engine,
        search.query,
        export_format,
        permit_json=partial(permit_json, include_raw=search.include_raw),
        page_size=state.settings.export_page_size,
    )
    return StreamingResponse(
        chunks,
        media_type=export_service.FORMATS[export_format].media_type,
        headers={"Content-Disposition": f'attachment; filename="permits.{export_format}"'},
    )


@router.get(
    "/{permit_id}",
    response_model=Permit,
    summary="Get one permit, with its raw source record",
    responses=error_responses(*_AUTH_ERRORS, PermitNotFound),
)
def read_permit(
    _key: PermitsRead,
    state: State,
    permit_id: Annotated[str, Path(min_length=1, max_length=128, description="Permit id")],
) -> OrjsonResponse:
    record = permit_service.by_id(state.engine, permit_id)
    if record is None:
        raise PermitNotFound()
    return OrjsonResponse(permit_json(record, include_raw=True))
