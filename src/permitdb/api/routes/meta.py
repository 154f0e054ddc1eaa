"""``/v1/meta/release``: public, when the data served was last refreshed (Shovels' "release")."""

from __future__ import annotations

from fastapi import APIRouter

from permitdb.api.errors import ServiceUnavailable, error_responses
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.meta import Release
from permitdb.api.state import State
from permitdb.services import meta

router = APIRouter(prefix="/v1/meta", tags=["meta"])


@router.get(
    "/release",
    response_model=Release,
    summary="Data release date",
    responses=error_responses(ServiceUnavailable),
)
def read_release(state: State) -> OrjsonResponse:
    """The newest successful sync overall, and each dataset's (null before its first)."""
    found = meta.release(state.engine, state.catalog)
    return OrjsonResponse(
        {
            "released_at": found.released_at,
            "datasets": [
                {"dataset": slug, "released_at": at} for slug, at in found.datasets.items()
            ],
        }
    )
