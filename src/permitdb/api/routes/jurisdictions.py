"""``/v1/jurisdictions``: public coverage, so callers know what exists and how fresh it is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from permitdb.api.errors import JurisdictionNotFound, ServiceUnavailable, error_responses
from permitdb.api.openapi import example, link_to
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.jurisdictions import Jurisdiction, JurisdictionList, jurisdictions_json
from permitdb.api.state import Conn, State
from permitdb.store.datasets import jurisdiction_stats

router = APIRouter(prefix="/v1/jurisdictions", tags=["jurisdictions"])


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
    items = jurisdictions_json(state.catalog, jurisdiction_stats(conn))
    return OrjsonResponse({"data": items, "returned": len(items)})


@router.get(
    "/{slug}",
    response_model=Jurisdiction,
    summary="Get one jurisdiction",
    responses=error_responses(JurisdictionNotFound, ServiceUnavailable),
)
def read_jurisdiction(
    conn: Conn,
    state: State,
    slug: Annotated[
        str,
        Path(
            max_length=100,
            description="Jurisdiction slug, e.g. austin-tx",
            openapi_examples=example("austin-tx"),
        ),
    ],
) -> OrjsonResponse:
    for item in jurisdictions_json(state.catalog, jurisdiction_stats(conn)):
        if item["slug"] == slug:
            return OrjsonResponse(item)
    raise JurisdictionNotFound(f"No jurisdiction '{slug}'. GET /v1/jurisdictions lists every slug.")
