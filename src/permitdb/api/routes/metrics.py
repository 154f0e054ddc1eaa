"""``/metrics``: Prometheus' text format, for a key with the ``metrics:read`` scope.

Metrics are operational, not public: they name every dataset and how its syncs go, and a
scrape reads the database. Prometheus sends the key as a bearer token (its scrape config's
``authorization: {credentials: <key>}``); see docs/observability.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from permitdb.api.auth import AUTH_ERRORS, METRICS_SCOPE, require_scope
from permitdb.api.errors import error_responses
from permitdb.api.state import State
from permitdb.store.api_keys import ApiKeyRow

router = APIRouter(tags=["meta"])

MetricsRead = Annotated[ApiKeyRow, Depends(require_scope(METRICS_SCOPE))]


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format 0.0.4",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **error_responses(*AUTH_ERRORS),
    },
)
def metrics(state: State, key: MetricsRead) -> Response:
    """Requests and latency by route template; sync runs, rows ingested and quarantined, and
    each source's last successful sync, per dataset (read from the database at each scrape)."""
    return Response(state.metrics.exposition(), media_type=CONTENT_TYPE_PLAIN_0_0_4)
