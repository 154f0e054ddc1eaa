"""The browse lists: which states, cities, ZIP codes, tags, statuses, property classes and raw
permit types the stored data holds, each with its record count.

Key required (``permits:read``): the counts describe the data itself. Each list pages like
``GET /v1/permits`` (``api.paging``); the counts come from ``services.places``, counted once
per data version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from permitdb.api.auth import AUTH_ERRORS, PermitsRead
from permitdb.api.errors import InvalidCursor, UnknownJurisdiction, error_responses
from permitdb.api.paging import Item, Key, ListPaging, list_paging, page_body
from permitdb.api.params.places import check_jurisdictions, jurisdiction_filter, state_filter
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.places import (
    CityList,
    PermitTypeList,
    PropertyClassList,
    StateList,
    StatusList,
    TagList,
    ZipList,
)
from permitdb.api.state import ApiState, State
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
