"""Query parameters of the browse lists that narrow them (paging is ``api.paging``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Query

from permitdb.api.errors import UnknownJurisdiction
from permitdb.api.openapi import example
from permitdb.api.state import ApiState
from permitdb.services import places


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def state_filter(
    state: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z]{2}$",
            description="USPS code, any case",
            openapi_examples=example("TX"),
        ),
    ] = None,
) -> str | None:
    return state.upper() if state else None


async def jurisdiction_filter(
    jurisdiction: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Jurisdiction slug, e.g. austin-tx",
            openapi_examples=example("austin-tx"),
        ),
    ] = None,
) -> str | None:
    return jurisdiction


def check_jurisdictions(state: ApiState, slugs: Sequence[str]) -> None:
    """422 ``unknown_jurisdiction`` naming the nearest known slugs, rather than an empty 200
    that reads as "no permits there"."""
    unknown = places.unknown_jurisdictions(state.engine, state.catalog, slugs)
    if not unknown:
        return
    names = ", ".join(f"'{slug}'" for slug in unknown)
    raise UnknownJurisdiction(
        f"No jurisdiction has the slug {names}. GET /v1/jurisdictions lists every slug; "
        "'details' names the nearest ones.",
        details=[
            {
                "loc": ["query", "jurisdiction"],
                "msg": f"unknown jurisdiction '{slug}'",
                "type": "unknown_jurisdiction",
                "nearest": close,
            }
            for slug, close in unknown.items()
        ],
    )
