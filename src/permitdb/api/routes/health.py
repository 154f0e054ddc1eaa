"""``/v1/health``: public liveness and database check for load balancers and uptime monitors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from permitdb import __version__
from permitdb.api.errors import ServiceUnavailable, error_responses
from permitdb.api.responses import OrjsonResponse
from permitdb.api.schemas.health import Health
from permitdb.api.state import State
from permitdb.store.health import ping

router = APIRouter(prefix="/v1/health", tags=["meta"])

DEGRADED_AFTER_MS: Final = 1000.0


@router.get(
    "",
    response_model=Health,
    summary="Service health",
    responses=error_responses(ServiceUnavailable),
)
def health(state: State) -> OrjsonResponse:
    """``ok`` when the database answers; 503 ``database_unavailable`` when it does not."""
    try:
        latency_ms = ping(state.engine)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable() from exc
    return OrjsonResponse(
        {
            "status": "ok" if latency_ms < DEGRADED_AFTER_MS else "degraded",
            "version": __version__,
            "time": datetime.now(UTC),
            "database": {
                "ok": True,
                "latency_ms": round(latency_ms, 2),
                "engine": state.engine.dialect.name,
            },
        }
    )
