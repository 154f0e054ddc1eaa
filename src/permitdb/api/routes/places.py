"""The browse lists: which states, cities, ZIP codes, tags, statuses, property classes and raw
permit types the stored data holds, each with its record count; and the places by geo id
(``places:read``): search, details with hierarchy, permits and monthly metrics.

Key required (``permits:read``): the counts describe the data itself. Each list pages like
``GET /v1/permits`` (``api.paging``); the counts come from ``services.places``, counted once
per data version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from permitdb.api.auth import AUTH_ERRORS, PEOPLE_SCOPE, PermitsRead, PlacesRead
from permitdb.api.cursors import decode_cursor, encode_cursor
from permitdb.api.errors import (
    InvalidCursor,
    InvalidParameter,
    PlaceNotFound,
    UnknownJurisdiction,
    error_responses,
)
from permitdb.api.openapi import example, link_to
from permitdb.api.paging import Item, Key, ListPaging, list_paging, page_body
from permitdb.api.params.places import (
    GeoIdPath,
    MetricsFilters,
    check_jurisdictions,
    jurisdiction_filter,
    metrics_filters,
    state_filter,
)
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.permits import PermitPage, permit_json
from permitdb.api.schemas.places import (
    CityList,
    PermitTypeList,
    PlaceDetails,
    PlaceMetrics,
    PlaceSearch,
    PropertyClassList,
    StateList,
    StatusList,
    TagList,
    ZipList,
    details_json,
    metrics_json,
    place_json,
)
from permitdb.api.state import ApiState, State
from permitdb.normalize.geo_ids import GeoType
from permitdb.services import permits as permit_service
from permitdb.services import places
from permitdb.vocabulary import (
    PROPERTY_CLASS_MEANINGS,
    STATUS_MEANINGS,
    STATUS_PHASE,
    TAG_MEANINGS,
)

router = APIRouter(prefix="/v1", tags=["browse"])

Paging = Annotated[ListPaging, Depends(list_paging)]
StateFilter = Annotated[str | None, Depends(state_filter)]
JurisdictionFilter = Annotated[str | None, Depends(jurisdiction_filter)]
ERRORS = error_responses(*AUTH_ERRORS, InvalidCursor)


def _page(
    state: ApiState,
    items: list[Item],
    paging: ListPaging,
    key: Key,
    filters: Mapping[str, Any] | None = None,
) -> OrjsonResponse:
    secret = state.settings.signing_secrets()
    body = page_body(items, key=key, paging=paging, filters=filters or {}, secret=secret)
    return OrjsonResponse(body)


@router.get("/states", response_model=StateList, summary="List covered states", responses=ERRORS)
def list_states(_key: PermitsRead, state: State, paging: Paging) -> OrjsonResponse:
    """Every state with a jurisdiction or a stored record, by USPS code."""
    items: list[Item] = [
        {"state": s.state, "jurisdictions": s.jurisdictions, "records": s.records}
        for s in places.states(state.engine, state.counts)
    ]
    return _page(state, items, paging, key=lambda i: (i["state"],))


def _places_page(
    state: ApiState, paging: ListPaging, column: places.PlaceColumn, in_state: str | None
) -> OrjsonResponse:
    items: list[Item] = [
        {column: p.name, "state": p.state, "records": p.records}
        for p in places.stored_places(state.engine, state.counts, column, in_state)
    ]
    return _page(state, items, paging, lambda i: (i["state"], i[column]), {"state": in_state})


@router.get("/cities", response_model=CityList, summary="List stored cities", responses=ERRORS)
def list_cities(
    _key: PermitsRead, state: State, paging: Paging, in_state: StateFilter
) -> OrjsonResponse:
    """City names exactly as stored (the ``city`` filter's values), by state then name."""
    return _places_page(state, paging, "city", in_state)


@router.get("/zips", response_model=ZipList, summary="List stored ZIP codes", responses=ERRORS)
def list_zips(
    _key: PermitsRead, state: State, paging: Paging, in_state: StateFilter
) -> OrjsonResponse:
    """ZIP codes of stored records, by state then ZIP code."""
    return _places_page(state, paging, "zip", in_state)


def _vocabulary_page(
    state: ApiState,
    paging: ListPaging,
    column: str,
    meanings: Mapping[Any, str],
) -> OrjsonResponse:
    """Every value of a vocabulary, with its meaning and count (zero when no record has it)."""
    counts = places.value_counts(state.engine, state.counts, column)
    items: list[Item] = [
        {column: value, "meaning": meaning, "records": counts.get(value, 0)}
        for value, meaning in meanings.items()
    ]
    if column == "status":
        for item in items:
            item["status_phase"] = STATUS_PHASE[item["status"]]
    return _page(state, items, paging, lambda i: (i[column],))


@router.get("/tags", response_model=TagList, summary="List tags", responses=ERRORS)
def list_tags(_key: PermitsRead, state: State, paging: Paging) -> OrjsonResponse:
    """Every tag of the vocabulary with its meaning, by name."""
    return _vocabulary_page(state, paging, "tag", TAG_MEANINGS)


@router.get("/statuses", response_model=StatusList, summary="List statuses", responses=ERRORS)
def list_statuses(_key: PermitsRead, state: State, paging: Paging) -> OrjsonResponse:
    """Every normalized status with its phase and meaning, by name."""
    return _vocabulary_page(state, paging, "status", STATUS_MEANINGS)


@router.get(
    "/property-classes",
    response_model=PropertyClassList,
    summary="List property classes",
    responses=ERRORS,
)
def list_property_classes(_key: PermitsRead, state: State, paging: Paging) -> OrjsonResponse:
    """Every property class with its meaning, by name."""
    return _vocabulary_page(state, paging, "property_class", PROPERTY_CLASS_MEANINGS)


@router.get(
    "/permit-types",
    response_model=PermitTypeList,
    summary="List raw permit types",
    responses=error_responses(*AUTH_ERRORS, InvalidCursor, UnknownJurisdiction),
)
def list_permit_types(
    _key: PermitsRead, state: State, paging: Paging, jurisdiction: JurisdictionFilter
) -> OrjsonResponse:
    """Raw permit types per dataset (the ``permit_type`` filter's values), by dataset then type."""
    if jurisdiction:
        check_jurisdictions(state, [jurisdiction])
    found = places.permit_types(state.engine, state.counts, state.catalog, jurisdiction)
    items: list[Item] = [
        {
            "permit_type": t.permit_type,
            "jurisdiction": t.jurisdiction,
            "dataset": t.dataset,
            "records": t.records,
            "tags": list(t.tags),
        }
        for t in found
    ]
    filters = {"jurisdiction": jurisdiction}
    return _page(state, items, paging, lambda i: (i["dataset"], i["permit_type"]), filters)


# --- places by geo id (docs/places.md): search, details, permits, metrics ----------------------

_PLACE_ERRORS = error_responses(*AUTH_ERRORS, PlaceNotFound)


@router.get(
    "/places/search",
    response_model=PlaceSearch,
    summary="Search places by name",
    tags=["places"],
    responses={
        **error_responses(*AUTH_ERRORS, InvalidParameter, PlaceNotFound),
        **link_to("read_place", "The best match", geo_id="$response.body#/data/0/geo_id"),
    },
)
def search_places(
    _key: PlacesRead,
    state: State,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Start of the name: an address ('812 San Antonio Street' reads as "
            "USPS '812 SAN ANTONIO ST'), city, county, jurisdiction, state or ZIP code",
            openapi_examples=example("Austin"),
        ),
    ],
    place_type: Annotated[
        GeoType | None,
        Query(
            alias="type", description="Only places of this type", openapi_examples=example("city")
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=places.SEARCH_LIMIT_MAX,
            description="Most results",
            openapi_examples=example(10),
        ),
    ] = 10,
) -> OrjsonResponse:
    """Places whose name starts with ``q``: exact names first, then the places with most
    permits. Addresses are only those a stored permit has. 404 ``place_not_found`` with the
    nearest city, county, jurisdiction and state names when nothing matches."""
    types = [place_type] if place_type else []
    found = places.search_places(state.engine, q, types, limit)
    if not found:
        close = places.search_hint(state.engine, q)
        suggestion = f" Nearest names: {', '.join(close)}." if close else ""
        raise PlaceNotFound(
            f"No stored place{f' of type {place_type}' if place_type else ''} has a name "
            f"starting with '{q}'. "
            f"Try fewer letters, another type, or GET /v1/cities and /v1/zips.{suggestion}",
            details=[
                {
                    "loc": ["query", "q"],
                    "msg": "no place matches",
                    "type": "place_not_found",
                    "nearest": close,
                }
            ],
        )
    return OrjsonResponse({"data": [place_json(p) for p in found], "returned": len(found)})


@router.get(
    "/places/{geo_id}",
    response_model=PlaceDetails,
    summary="Get one place and its hierarchy",
    tags=["places"],
    responses={
        **_PLACE_ERRORS,
        **link_to("list_place_permits", "The place's permits", geo_id="$response.body#/geo_id"),
    },
)
def read_place(_key: PlacesRead, state: State, geo_id: GeoIdPath) -> OrjsonResponse:
    """The place, and the places it shares permits with, by type: a city's counties,
    jurisdictions, ZIP codes and state; a county's cities...; an address's own places."""
    found = places.place_details(state.engine, geo_id.lower())
    if found is None:
        raise PlaceNotFound()
    body = details_json(found.place, found.related)
    return OrjsonResponse(body)


@router.get(
    "/places/{geo_id}/permits",
    response_model=PermitPage,
    summary="List a place's permits",
    tags=["places"],
    responses={
        **error_responses(*AUTH_ERRORS, PlaceNotFound, InvalidCursor),
        **link_to("read_permit", "The first permit", permit_id="$response.body#/data/0/id"),
    },
)
def list_place_permits(
    key: PlacesRead, state: State, geo_id: GeoIdPath, paging: Paging
) -> OrjsonResponse:
    """The place's permits, newest issue date first, cursor-paged like GET /v1/permits."""
    query = places.place_query(state.engine, geo_id.lower())
    if query is None:
        raise PlaceNotFound()
    query = replace(query, limit=paging.limit)
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
            "next_cursor": (
                encode_cursor(page.next_keyset, query, secret) if page.next_keyset else None
            ),
        }
    )


@router.get(
    "/places/{geo_id}/metrics",
    response_model=PlaceMetrics,
    summary="Get a place's monthly metrics",
    tags=["places"],
    responses=error_responses(*AUTH_ERRORS, PlaceNotFound, InvalidParameter),
)
def read_place_metrics(
    _key: PlacesRead,
    state: State,
    geo_id: GeoIdPath,
    asked: Annotated[MetricsFilters, Depends(metrics_filters)],
) -> OrjsonResponse:
    """Monthly permit count, job value, fees, median approval and construction days and
    active contractors, oldest month first, plus the current 12-month snapshot. Read from the
    rollups kept at ingest, never from the raw permits."""
    found = places.place_metrics(
        state.engine,
        geo_id.lower(),
        property_type=asked.property_type,
        tag=asked.tag,
        start=asked.start,
        end=asked.end,
    )
    if found is None:
        raise PlaceNotFound()
    return OrjsonResponse(
        metrics_json(geo_id.lower(), asked.property_type, asked.tag, found.monthly, found.current)
    )
