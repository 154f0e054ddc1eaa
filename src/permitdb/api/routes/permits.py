"""``/v1/permits``: search (GET with a query string, POST with a JSON body; pages, or every
match as one exported file), a batch by ids, one permit by id, and its change history.

The routes open their connection through ``services.permits`` rather than the ``Conn``
dependency: a generator dependency costs two thread-pool hops per request (enter and exit),
more than a by-id lookup's query.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path
from starlette.responses import Response, StreamingResponse

from permitdb.api.auth import AUTH_ERRORS, PEOPLE_SCOPE, PermitsRead
from permitdb.api.cursors import (
    decode_cursor,
    decode_history_cursor,
    encode_cursor,
    encode_history_cursor,
)
from permitdb.api.errors import (
    InsufficientScope,
    InvalidCursor,
    InvalidParameter,
    PermitNotFound,
    UnknownJurisdiction,
    UnknownParameter,
    error_responses,
)
from permitdb.api.openapi import link_to
from permitdb.api.paging import ListPaging, list_paging
from permitdb.api.params.permit_filters import PolygonSearch
from permitdb.api.params.permits import PermitSearch, permit_search, to_search
from permitdb.api.params.places import check_jurisdictions
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.permits import Permit, PermitHistory, PermitPage, permit_json, project
from permitdb.api.state import State
from permitdb.canonical import PermitRecord
from permitdb.services import exports as export_service
from permitdb.services import permits as permit_service
from permitdb.services import places
from permitdb.services.permits import Joined
from permitdb.store.api_keys import ApiKeyRow

router = APIRouter(prefix="/v1/permits", tags=["permits"])
PermitId = Annotated[
    str,
    Path(
        min_length=1, max_length=128, description="Permit id", examples=["b3f1c2d4e5a6978812345678"]
    ),
]

_SEARCH_ERRORS = (
    *AUTH_ERRORS,
    InvalidCursor,
    InvalidParameter,
    UnknownParameter,
    UnknownJurisdiction,
)
_FILE: dict[str, Any] = {"type": "string", "format": "binary"}
# format=geojson: an RFC 7946 FeatureCollection whose properties are permit objects
_FEATURE_COLLECTION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": "string"},
                    "geometry": {"anyOf": [{"type": "object"}, {"type": "null"}]},
                    "properties": {"$ref": "#/components/schemas/Permit"},
                },
            },
        },
    },
}
_SEARCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(*_SEARCH_ERRORS),
    200: {
        "description": "A page of permits; with format=csv|ndjson|geojson|parquet, every "
        "matching permit as one downloaded file (docs/api.md, Exports)",
        "content": {
            spec.media_type: {"schema": _FEATURE_COLLECTION if name == "geojson" else _FILE}
            for name, spec in export_service.FORMATS.items()
        },
        **link_to(
            "read_permit",
            "The first permit of the page, by its id",
            permit_id="$response.body#/data/0/id",
        )[200],
    },
}


def _people(key: ApiKeyRow, search: PermitSearch) -> bool:
    """Whether person-level fields are served; asking to filter by them needs the scope."""
    allowed = PEOPLE_SCOPE in key.scopes
    if search.query.owner and not allowed:
        raise InsufficientScope(
            f"Filtering by owner needs the '{PEOPLE_SCOPE}' scope. Ask the operator for a key "
            f"created with 'permitdb keys create --scope permits:read --scope {PEOPLE_SCOPE}'."
        )
    return allowed


def _permits(
    records: list[PermitRecord], search: PermitSearch, people: bool, joined: Joined
) -> list[Any]:
    return [
        project(
            permit_json(r, include_raw=search.include_raw, people=people, joined=joined),
            search.fields,
        )
        for r in records
    ]


def _export(state: State, search: PermitSearch, people: bool) -> StreamingResponse:
    export_format = search.format
    assert export_format != "json", "json pages; the other formats are files"
    to_json = partial(permit_json, include_raw=search.include_raw, people=people)
    chunks = export_service.export_permits(
        state.engine,
        search.query,
        export_format,
        permit_json=lambda record: project(to_json(record), search.fields),
        include_raw=search.include_raw,
        page_size=state.settings.export_page_size,
    )
    return StreamingResponse(
        chunks,
        media_type=export_service.FORMATS[export_format].media_type,
        headers={"Content-Disposition": f'attachment; filename="permits.{export_format}"'},
    )


def _page(state: State, key: ApiKeyRow, search: PermitSearch) -> Response:
    """One page, or with ``format`` every match as one file; an unknown jurisdiction slug is a
    422, and an empty page whose state, city or zip matches nothing stored carries a ``hint``
    (looked for only then, so other pages pay nothing for it)."""
    people = _people(key, search)
    if search.query.jurisdiction:
        check_jurisdictions(state, search.query.jurisdiction)
    if search.format != "json":
        return _export(state, search, people)
    if search.ids:
        batch = permit_service.by_ids(state.engine, search.ids)
        return OrjsonResponse(
            {
                "data": _permits(batch.records, search, people, batch.joined),
                "returned": len(batch.records),
                "next_cursor": None,
                "not_found": batch.not_found,
            }
        )
    secret = state.settings.signing_secrets()
    after = decode_cursor(search.cursor, search.query, secret) if search.cursor else None
    page = permit_service.search(
        state.engine, search.query, after=after, include_count=search.include_count
    )
    next_keyset = page.next_keyset
    body: dict[str, object] = {
        "data": _permits(page.records, search, people, page.joined),
        "returned": len(page.records),
        "next_cursor": encode_cursor(next_keyset, search.query, secret) if next_keyset else None,
    }
    if page.total is not None:
        value, exact = page.total
        body["total"] = {"value": value, "relation": "eq" if exact else "gte"}
    hint = None if page.records else places.geography_hint(state.engine, state.counts, search.query)
    if hint is not None:
        body["hint"] = {"message": hint.message, "browse": hint.browse, "nearest": hint.nearest}
    return OrjsonResponse(body)


@router.get(
    "",
    response_model=PermitPage,
    summary="Search permits",
    responses=_SEARCH_RESPONSES,
)
def list_permits(
    key: PermitsRead, state: State, search: Annotated[PermitSearch, Depends(permit_search)]
) -> Response:
    """Permits matching every filter, in ``sort`` order (newest issue date first by default).

    Page with ``next_cursor``: pages stay consistent while new permits arrive. ``offset``
    (up to 10,000) is for browsing; its page carries a ``next_cursor`` as well. With ``id``
    (repeatable, up to 50, no filters): those permits in the order asked, and ``not_found``.
    With ``format=csv``, ``ndjson``, ``geojson`` or ``parquet``: every match, streamed as one file.
    """
    return _page(state, key, search)


@router.post(
    "/search",
    response_model=PermitPage,
    summary="Search permits (JSON body)",
    responses=_SEARCH_RESPONSES,
)
def search_permits(
    key: PermitsRead, state: State, body: Annotated[PolygonSearch, Body()]
) -> Response:
    """The same search as ``GET /v1/permits`` with the filters as a JSON body: for long lists
    of values, and for a GeoJSON ``polygon``. Page by sending ``next_cursor`` back as
    ``cursor`` with the same filters."""
    return _page(state, key, to_search(body, "body"))


@router.get(
    "/{permit_id}",
    response_model=Permit,
    summary="Get one permit, with its raw source record",
    responses=error_responses(*AUTH_ERRORS, PermitNotFound),
)
def read_permit(
    key: PermitsRead,
    state: State,
    permit_id: PermitId,
) -> OrjsonResponse:
    found = permit_service.by_id(state.engine, permit_id)
    if found is None:
        raise PermitNotFound()
    record, joined = found
    people = PEOPLE_SCOPE in key.scopes
    return OrjsonResponse(permit_json(record, include_raw=True, people=people, joined=joined))


@router.get(
    "/{permit_id}/history",
    response_model=PermitHistory,
    summary="Get one permit's change history",
    responses=error_responses(*AUTH_ERRORS, PermitNotFound, InvalidCursor),
)
def read_permit_history(
    _key: PermitsRead,
    state: State,
    permit_id: PermitId,
    page: Annotated[ListPaging, Depends(list_paging)],
) -> OrjsonResponse:
    """Every field change a re-sync saw (observed_at, field, old, new), newest first."""
    secret = state.settings.signing_secrets()
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
