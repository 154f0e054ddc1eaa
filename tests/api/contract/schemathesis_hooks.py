"""Schemathesis hooks: the refusals a schema cannot express are not contract failures.

Loaded by the schemathesis command line (``hooks`` in schemathesis.toml), never by pytest.
``positive_data_acceptance`` expects every schema-valid request to succeed. These kinds of
schema-valid request are refused on purpose, and no OpenAPI schema can say so (each is a rule
between parameters, or about the data, not about one parameter's shape):

* a ``cursor`` the server did not issue for these filters (cursors are signed): 400
  ``invalid_cursor``;
* a range whose lower bound is above its upper one (``filed_from`` after ``filed_to``): 422
  ``invalid_parameter`` of type ``range_order``;
* parameters that exclude each other (``id`` with filters, ``near`` without ``radius_m``,
  ``offset`` with ``cursor``, paging or flat-column options with an export): types
  ``combination``, ``offset_with_cursor``, ``export_paging``, ``export_raw``, ``export_fields``;
* a jurisdiction slug the server does not hold: 422 ``unknown_jurisdiction``; a county name
  no county of the state has: type ``unknown_county``;
* coordinates outside the globe or a box whose west is east of its east: type
  ``coordinate_range`` (their shape is in the document, their bounds are not);
* a ``polygon`` object that is no valid GeoJSON Polygon or MultiPolygon (its type, closed
  rings, positions, the vertex cap): type ``geometry``;
* text holding a NUL or an unpaired surrogate anywhere in a JSON body (the strict models refuse
  it before any field is read; a string schema admits every code point);
* a ``q`` outside the full-text grammar (an unbalanced quote, a dangling ``OR``, a control
  character: docs/api.md, Full-text syntax): type ``full_text_syntax``.

Only those exact envelopes are dropped; any other refusal of valid data still fails the run.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData


def _error(content: bytes) -> dict[str, Any]:
    try:
        body = json.loads(content)
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


BY_DESIGN = frozenset(
    {
        "range_order",
        "combination",
        "offset_with_cursor",
        "export_paging",
        "export_raw",
        "export_fields",
        "full_text_syntax",
        "unknown_county",
        "coordinate_range",
        "geometry",
    }
)


NUL_OR_SURROGATE = "contains a NUL or an unpaired surrogate"


def refused_by_design(error: dict[str, Any]) -> bool:
    """The error is one of the refusals above, and nothing else."""
    if error.get("code") in ("invalid_cursor", "unknown_jurisdiction"):
        return True
    details = error.get("details") or []
    if details and all(
        isinstance(d, dict) and NUL_OR_SURROGATE in str(d.get("msg")) for d in details
    ):
        return True
    return (
        error.get("code") == "invalid_parameter"
        and bool(details)
        and all(isinstance(d, dict) and d.get("type") in BY_DESIGN for d in details)
    )


@schemathesis.hook
def filter_failure(
    context: schemathesis.HookContext,
    failure: Any,
    case: schemathesis.Case,
    response: schemathesis.Response,
) -> bool:
    if isinstance(failure, RejectedPositiveData):
        return not refused_by_design(_error(response.content))
    return True
