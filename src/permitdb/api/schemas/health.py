"""Response of ``GET /v1/health``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from permitdb.api.schemas.base import Schema


class DatabaseHealth(Schema):
    ok: bool = Field(description="The database answered a trivial query")
    latency_ms: float = Field(description="Round trip of that query, in milliseconds")
    engine: Literal["sqlite", "postgresql"] = Field(description="Which database backs this API")


class Health(Schema):
    status: Literal["ok", "degraded"] = Field(
        description="degraded: the database answers but slower than 1 second"
    )
    version: str = Field(description="permitdb version")
    time: datetime = Field(description="Server time (UTC)")
    database: DatabaseHealth = Field(description="The database check behind status")
