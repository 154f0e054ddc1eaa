"""Schemathesis hooks: the two refusals a schema cannot express are not contract failures.

Loaded by the schemathesis command line (``hooks`` in schemathesis.toml), never by pytest.
``positive_data_acceptance`` expects every schema-valid request to succeed. Two kinds of
schema-valid request are refused on purpose, and no OpenAPI schema can say so:

* a ``cursor`` the server did not issue for these filters (cursors are signed): 400
  ``invalid_cursor``;
* a range whose lower bound is above its upper one (``filed_from`` after ``filed_to``): 422
  ``invalid_parameter`` whose details all have type ``range_order``.

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


def refused_by_design(error: dict[str, Any]) -> bool:
    """The error is one of the two refusals above, and nothing else."""
    if error.get("code") == "invalid_cursor":
        return True
    details = error.get("details") or []
    return (
        error.get("code") == "invalid_parameter"
        and bool(details)
        and all(isinstance(d, dict) and d.get("type") == "range_order" for d in details)
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
