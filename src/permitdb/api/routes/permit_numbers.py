"""``/v1/permits/by-number/…`` and ``/v1/permits/status``: permits by their permit number.

HTTP only: ``services.permits`` finds the permit or says why not; here that becomes a
response, an error (HTTP 300 with candidates when several jurisdictions hold the number), or
for the batch an item of ``errors``. Numbers are read with ``:path`` so one holding a slash
(sent as ``%2F``) still reaches its route. This router is included before ``routes.permits``
so its paths are never read as a permit id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends

from permitdb.api.auth import PEOPLE_SCOPE, PermitsRead
from permitdb.api.errors import (
    AmbiguousPermitNumber,
    ApiError,
    Candidate,
    InsufficientScope,
    InvalidApiKey,
    JurisdictionNotFound,
    JurisdictionNotSupported,
    MissingApiKey,
    PermitNotFound,
    ServiceUnavailable,
    error_responses,
)
from permitdb.api.params.permit_numbers import NumberAsk, number_ask
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.permit_numbers import (
    PermitStatusBatch,
    PermitStatusRequest,
    PermitStatusView,
    status_json,
)
from permitdb.api.schemas.permits import Permit, permit_json
from permitdb.api.state import ApiState, State
from permitdb.services import permits as permit_service
from permitdb.services.permits import NumberMatch, NumberMiss
from permitdb.store.permit_numbers import Jurisdiction

router = APIRouter(prefix="/v1/permits", tags=["permits"])

BY_NUMBER: Final = "/v1/permits/by-number"
_ERRORS = (
    MissingApiKey,
    InvalidApiKey,
    InsufficientScope,
    ServiceUnavailable,
    AmbiguousPermitNumber,
    PermitNotFound,
    JurisdictionNotSupported,
    JurisdictionNotFound,
)


def _names(jurisdictions: Sequence[Jurisdiction]) -> str:
    return ", ".join(f"{j.name} ({j.slug})" for j in jurisdictions)


def _error(miss: NumberMiss, number: str, jurisdiction: str | None, suffix: str) -> ApiError:
    """The error a miss is, worded for this number; ``suffix`` is the route after the number."""
    if miss.reason == "ambiguous":
        candidates = [
            Candidate(
                slug=j.slug,
                name=j.name,
                url=f"{BY_NUMBER}/{quote(number, safe='')}{suffix}?"
                + urlencode({"jurisdiction": j.slug}),
            )
            for j in miss.jurisdictions
        ]
        return AmbiguousPermitNumber(
            f"{len(candidates)} jurisdictions have a permit numbered '{number}': "
            f"{_names(miss.jurisdictions)}. Ask again with ?jurisdiction=<slug>; each of "
            "'candidates' has the URL.",
            candidates=candidates,
        )
    if miss.reason == "jurisdiction_not_found":
        return JurisdictionNotFound(
            f"No jurisdiction has the slug '{jurisdiction}'. GET /v1/jurisdictions lists them "
            "all; or drop ?jurisdiction= to have it detected from the number."
        )
    if miss.reason == "permit_not_found":
        where = f" in {jurisdiction}" if jurisdiction else ""
        used_by = (
            f" Numbers of this format are used by {_names(miss.jurisdictions)}."
            if miss.jurisdictions
            else ""
        )
        return PermitNotFound(
            f"No stored permit is numbered '{number}'{where}.{used_by} Check the number; a "
            "permit filed since the last sync appears after the next one."
        )
    return JurisdictionNotSupported(
        f"No covered jurisdiction numbers its permits like '{number}'. GET /v1/jurisdictions "
        "lists the covered ones; ask for yours with POST /v1/jurisdictions/requests."
    )


def _found(state: ApiState, ask: NumberAsk, suffix: str) -> NumberMatch:
    """The permit the number names, or the error saying why there is none."""
    number, jurisdiction = ask.permit_number, ask.jurisdiction
    lookup = permit_service.by_number(
        state.engine, number, jurisdiction=jurisdiction, now=datetime.now(UTC)
    )
    if isinstance(lookup, NumberMiss):
        raise _error(lookup, number, jurisdiction, suffix)
    return lookup


@router.get(
    "/by-number/{permit_number:path}/status",
    response_model=PermitStatusView,
    summary="The status of a permit, by permit number",
    responses=error_responses(*_ERRORS),
)
def read_permit_status(
    _key: PermitsRead, state: State, ask: Annotated[NumberAsk, Depends(number_ask)]
) -> OrjsonResponse:
    """Status, dates and freshness of the permit with this number.

    Without ``jurisdiction`` the number is looked up everywhere: HTTP 300 when several
    jurisdictions hold it (``candidates`` has the URL to ask for each).
    """
    return OrjsonResponse(status_json(_found(state, ask, "/status")))


@router.get(
    "/by-number/{permit_number:path}",
    response_model=Permit,
    summary="Get one permit by permit number, with its raw source record",
    responses=error_responses(*_ERRORS),
)
def read_permit_by_number(
    key: PermitsRead, state: State, ask: Annotated[NumberAsk, Depends(number_ask)]
) -> OrjsonResponse:
    """The permit with this number (trimmed, any case); see the status route for detection."""
    match = _found(state, ask, "")
    people = PEOPLE_SCOPE in key.scopes
    return OrjsonResponse(
        permit_json(match.record, include_raw=True, people=people, joined=match.joined)
    )


@router.post(
    "/status",
    response_model=PermitStatusBatch,
    summary="The status of up to 25 permits, by permit number",
    responses=error_responses(MissingApiKey, InvalidApiKey, InsufficientScope, ServiceUnavailable),
)
def read_permit_statuses(
    _key: PermitsRead, state: State, body: PermitStatusRequest
) -> OrjsonResponse:
    """One status view per number found (``results``) and one error per other (``errors``),
    each in the order asked. A number's error has the code a single lookup would return."""
    asks = body.asks()
    lookups = permit_service.by_numbers(state.engine, asks, now=datetime.now(UTC))
    results: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    for (number, jurisdiction), lookup in zip(asks, lookups, strict=True):
        if isinstance(lookup, NumberMatch):
            results.append(status_json(lookup))
            continue
        error = _error(lookup, number, jurisdiction, "/status")
        using = lookup.jurisdictions if lookup.reason == "permit_not_found" else ()
        errors.append(
            {
                "permit_number": number,
                "jurisdiction": jurisdiction,
                "code": error.code,
                "message": error.message,
                "jurisdiction_hint": using[0].slug if len(using) == 1 else None,
                "candidates": error.extra_fields().get("candidates"),
            }
        )
    return OrjsonResponse({"results": results, "errors": errors})
