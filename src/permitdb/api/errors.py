"""API errors: one class per stable ``code``, one JSON envelope for all of them.

Every error the API returns, whatever raised it (our own classes, FastAPI validation, Starlette
404/405, a crash), leaves as::

    {"error": {"code": "...", "message": "...", "request_id": "...", "details": [...]}}

``code`` is stable and documented in docs/api.md (tests/api/test_docs.py checks); ``message``
is for people and says what to do next. A class may add fields of its own beside them
(``extra_fields``: the HTTP 300 of a lookup by number lists its ``candidates``). OpenAPI
``responses=`` are generated from the classes so /docs lists exactly the codes each route can
return.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.base import Schema


class ErrorDetail(Schema):
    loc: list[str | int] = Field(description="Where the problem is, e.g. ['query', 'limit']")
    msg: str = Field(description="What is wrong with it")
    type: str = Field(description="Machine-readable kind, e.g. 'less_than_equal'")
    nearest: list[str] | None = Field(
        None, description="For an unknown value: the known values closest to it"
    )


class Candidate(Schema):
    slug: str = Field(description="Jurisdiction slug to pass as ?jurisdiction=")
    name: str = Field(description="The jurisdiction's display name")
    url: str = Field(
        description="The same request with ?jurisdiction= set: ask it to get the permit"
    )


class ErrorBody(Schema):
    code: str = Field(description="Stable error code; see docs/api.md for the full list")
    message: str = Field(description="What went wrong and what to do next")
    request_id: str = Field(description="Same as the X-Request-Id response header")
    details: list[ErrorDetail] | None = Field(
        None, description="Per-parameter problems (only for parameter errors)"
    )
    candidates: list[Candidate] | None = Field(
        None,
        description="Only for ambiguous_permit_number (HTTP 300): every jurisdiction holding "
        "the number",
    )


class ErrorEnvelope(Schema):
    error: ErrorBody = Field(description="The one error object every failed request returns")


class ApiError(Exception):
    """Base of every API error. Subclasses set ``status_code``, ``code`` and a default message."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_message: ClassVar[str] = "Unexpected error."
    headers: ClassVar[Mapping[str, str]] = {}

    def __init__(self, message: str | None = None, *, details: list[dict[str, Any]] | None = None):
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def extra_fields(self) -> dict[str, Any]:
        """Fields a subclass adds to the envelope's ``error`` object beside the common ones."""
        return {}

    @classmethod
    def example(cls) -> ApiError:
        """The instance /docs shows as this code's example response."""
        return cls()


class MissingApiKey(ApiError):
    status_code = 401
    code = "missing_api_key"
    default_message = (
        "This endpoint needs an API key. Send it as 'Authorization: Bearer <key>' or "
        "'X-API-Key: <key>'; an operator creates one with 'permitdb keys create'."
    )
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class InvalidApiKey(ApiError):
    status_code = 401
    code = "invalid_api_key"
    default_message = (
        "The API key is not valid (mistyped, unknown or revoked). Check that you copied the "
        "whole key, or ask the operator for a new one ('permitdb keys create')."
    )
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class ApiKeyExpired(ApiError):
    status_code = 401
    code = "api_key_expired"
    default_message = (
        "The API key has expired. Ask the operator to extend it ('permitdb keys update ID "
        "--expires DATE') or for a new one."
    )
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class ApiKeyDisabled(ApiError):
    status_code = 403
    code = "api_key_disabled"
    default_message = (
        "The API key is disabled. Ask the operator to enable it again ('permitdb keys enable ID')."
    )


class InsufficientScope(ApiError):
    status_code = 403
    code = "insufficient_scope"
    default_message = "The API key lacks the scope this endpoint needs."


class PermitNotFound(ApiError):
    status_code = 404
    code = "permit_not_found"
    default_message = (
        "No permit has this id. Ids come from the 'id' field of GET /v1/permits results."
    )


class ContractorNotFound(ApiError):
    status_code = 404
    code = "contractor_not_found"
    default_message = (
        "No contractor has this id. Ids come from the 'id' field of GET /v1/contractors "
        "results, or 'contractor_id' on a permit."
    )


class LicenseNotFound(ApiError):
    status_code = 404
    code = "license_not_found"
    default_message = (
        "No stored licence has this number (in this state, when state= is given). Check the "
        "number, or search by name with GET /v1/contractors?name=."
    )


class ParcelNotFound(ApiError):
    status_code = 404
    code = "parcel_not_found"
    default_message = (
        "No parcel has this id. Ids come from the 'id' field of GET /v1/parcels results."
    )


class AmbiguousPermitNumber(ApiError):
    status_code = 300
    code = "ambiguous_permit_number"
    default_message = (
        "Several jurisdictions have a permit with this number. Ask again with "
        "?jurisdiction=<slug>: each of 'candidates' has the URL to ask."
    )

    def __init__(self, message: str | None = None, *, candidates: list[Candidate]):
        super().__init__(message)
        self.candidates = candidates

    def extra_fields(self) -> dict[str, Any]:
        return {"candidates": [candidate.model_dump() for candidate in self.candidates]}

    @classmethod
    def example(cls) -> ApiError:
        url = "/v1/permits/by-number/2026-000123?jurisdiction="
        return cls(
            candidates=[
                Candidate(slug="austin-tx", name="Austin", url=url + "austin-tx"),
                Candidate(slug="denver-co", name="Denver", url=url + "denver-co"),
            ]
        )


class JurisdictionNotSupported(ApiError):
    status_code = 404
    code = "jurisdiction_not_supported"
    default_message = (
        "No covered jurisdiction numbers its permits like this. GET /v1/jurisdictions lists "
        "the covered ones; ask for yours with POST /v1/jurisdictions/requests."
    )


class JurisdictionNotFound(ApiError):
    status_code = 404
    code = "jurisdiction_not_found"
    default_message = "No jurisdiction has this slug. GET /v1/jurisdictions lists them all."


class PlaceNotFound(ApiError):
    status_code = 404
    code = "place_not_found"
    default_message = (
        "No stored place has this geo id. Geo ids look like state-tx, county-48453, "
        "city-tx-austin, zip-78701, jurisdiction-austin-tx or address-<16 hex>; find one with "
        "GET /v1/places/search?q= or in a permit's geo_ids."
    )


class NotFound(ApiError):
    status_code = 404
    code = "not_found"
    default_message = "No endpoint at this path. See /docs for the list of endpoints."


class MethodNotAllowed(ApiError):
    status_code = 405
    code = "method_not_allowed"
    default_message = "This endpoint does not accept this HTTP method. See /docs."


class InvalidParameter(ApiError):
    status_code = 422
    code = "invalid_parameter"
    default_message = "A parameter has an invalid value; 'details' says which and why."


class UnknownJurisdiction(ApiError):
    status_code = 422
    code = "unknown_jurisdiction"
    default_message = (
        "No jurisdiction has this slug. GET /v1/jurisdictions lists every slug; 'details' "
        "names the nearest ones."
    )


class UnknownParameter(ApiError):
    status_code = 422
    code = "unknown_parameter"
    default_message = "Unknown query parameter. See /docs for the parameters this endpoint takes."


class InvalidCursor(ApiError):
    status_code = 400
    code = "invalid_cursor"
    default_message = (
        "The cursor is not valid for this query. Pass back 'next_cursor' exactly as returned, "
        "with the same filters, or drop 'cursor' to start from the first page."
    )


class BodyTooLarge(ApiError):
    status_code = 413
    code = "body_too_large"
    default_message = (
        "The request body is over the server's limit (1 MiB). Simplify the polygon or split "
        "the list of ids over several requests."
    )


class UrlTooLong(ApiError):
    status_code = 414
    code = "url_too_long"
    default_message = (
        "The URL is over the server's limit (8 KiB). Send a long search as a JSON body to "
        "POST /v1/permits/search instead."
    )


class HeadersTooLarge(ApiError):
    status_code = 431
    code = "headers_too_large"
    default_message = (
        "The request headers are over the server's limit (16 KiB). Send only the API key and "
        "the usual headers."
    )


class InternalError(ApiError):
    status_code = 500
    code = "internal_error"
    default_message = (
        "Unexpected server error. Retry; if it persists, report the request_id to the operator."
    )


class ServiceUnavailable(ApiError):
    status_code = 503
    code = "database_unavailable"
    default_message = (
        "The database is unavailable. Retry in a little while; if it persists, the operator "
        "should check the database server and run 'permitdb db migrate'."
    )


ERROR_CLASSES: tuple[type[ApiError], ...] = (
    MissingApiKey,
    InvalidApiKey,
    ApiKeyExpired,
    ApiKeyDisabled,
    InsufficientScope,
    PermitNotFound,
    ContractorNotFound,
    LicenseNotFound,
    ParcelNotFound,
    AmbiguousPermitNumber,
    JurisdictionNotSupported,
    JurisdictionNotFound,
    PlaceNotFound,
    NotFound,
    MethodNotAllowed,
    InvalidParameter,
    UnknownJurisdiction,
    UnknownParameter,
    InvalidCursor,
    BodyTooLarge,
    UrlTooLong,
    HeadersTooLarge,
    InternalError,
    ServiceUnavailable,
)


def error_body(error: ApiError, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message, "request_id": request_id}
    if error.details:
        body["details"] = error.details
    body.update(error.extra_fields())
    return {"error": body}


def error_response(
    error: ApiError, request_id: str, *, headers: Mapping[str, str] | None = None
) -> OrjsonResponse:
    return OrjsonResponse(
        error_body(error, request_id),
        status_code=error.status_code,
        headers={**error.headers, **(headers or {})},
    )


def error_responses(*classes: type[ApiError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: one entry per status, listing its codes."""
    by_status: dict[int, list[type[ApiError]]] = {}
    always: tuple[type[ApiError], ...] = (
        InvalidParameter,
        UnknownParameter,
        UrlTooLong,
        HeadersTooLarge,
        InternalError,
    )
    for cls in (*classes, *always):
        if cls not in by_status.setdefault(cls.status_code, []):
            by_status[cls.status_code].append(cls)
    return {
        status: {
            "model": ErrorEnvelope,
            "description": " | ".join(f"`{cls.code}`: {cls.default_message}" for cls in group),
            "content": {
                "application/json": {
                    "examples": {
                        cls.code: {
                            "value": error_body(cls.example(), "5f1c0f5d3b2a4e6f9a7b8c9d0e1f2a3b")
                        }
                        for cls in group
                    }
                }
            },
        }
        for status, group in sorted(by_status.items())
    }
