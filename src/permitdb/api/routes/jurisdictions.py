"""``/v1/jurisdictions``: public coverage, so callers know what exists and how fresh it is;
``/{slug}/stats`` (key required) breaks one jurisdiction's records down."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path

from permitdb.api.auth import AUTH_ERRORS, PermitsRead
from permitdb.api.errors import JurisdictionNotFound, ServiceUnavailable, error_responses
from permitdb.api.openapi import example, link_to
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.jurisdictions import (
    Jurisdiction,
    JurisdictionBreakdown,
    JurisdictionList,
    jurisdictions_json,
)
from permitdb.api.state import Conn, State
from permitdb.services import jurisdictions as jurisdiction_service
from permitdb.services import places
from permitdb.store.datasets import jurisdiction_stats

router = APIRouter(prefix="/v1/jurisdictions", tags=["jurisdictions"])

Slug = Annotated[
    str,
    Path(
        max_length=100,
        description="Jurisdiction slug, e.g. austin-tx",
        openapi_examples=example("austin-tx"),
    ),
]


@router.get(
    "",
    response_model=JurisdictionList,
    summary="List jurisdictions",
    responses={
        **error_responses(ServiceUnavailable),
        **link_to(
            "read_jurisdiction",
            "The first jurisdiction of the list, by its slug",
            slug="$response.body#/data/0/slug",
        ),
    },
)
def list_jurisdictions(conn: Conn, state: State) -> OrjsonResponse:
    """Every catalog jurisdiction (zero counts before its first sync) and every stored one."""
    items = jurisdictions_json(state.catalog, jurisdiction_stats(conn), datetime.now(UTC))
    return OrjsonResponse({"data": items, "returned": len(items)})


@router.get(
    "/{slug}",
    response_model=Jurisdiction,
    summary="Get one jurisdiction",
    responses=error_responses(JurisdictionNotFound, ServiceUnavailable),
)
def read_jurisdiction(conn: Conn, state: State, slug: Slug) -> OrjsonResponse:
    for item in jurisdictions_json(state.catalog, jurisdiction_stats(conn), datetime.now(UTC)):
        if item["slug"] == slug:
            return OrjsonResponse(item)
    raise JurisdictionNotFound(f"No jurisdiction '{slug}'. GET /v1/jurisdictions lists every slug.")


@router.get(
    "/{slug}/stats",
    response_model=JurisdictionBreakdown,
    summary="Break one jurisdiction's records down",
    responses=error_responses(*AUTH_ERRORS, JurisdictionNotFound),
)
def read_jurisdiction_stats(_key: PermitsRead, state: State, slug: Slug) -> OrjsonResponse:
    """Stored records by record class, status, property class, main category and tag."""
    unknown = places.unknown_jurisdictions(state.engine, state.catalog, [slug])
    if unknown:
        close = ", ".join(unknown[slug]) or "none"
        raise JurisdictionNotFound(
            f"No jurisdiction '{slug}' (nearest: {close}). GET /v1/jurisdictions lists every slug."
        )
    found = jurisdiction_service.breakdown(state.engine, state.counts, slug)
    return OrjsonResponse(
        {
            "slug": slug,
            "records": sum(found.record_classes.values()),
            "record_classes": found.record_classes,
            "statuses": found.statuses,
            "property_classes": found.property_classes,
            "categories": found.categories,
            "tags": found.tags,
        }
    )
