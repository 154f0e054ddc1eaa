"""GET /v1/health: public, reports the database kind and latency."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from permitdb import __version__
from permitdb.api.schemas.health import Health


def test_health(client: TestClient, engine: Engine) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    Health.model_validate(body)
    assert body["status"] in {"ok", "degraded"}
    assert body["version"] == __version__
    assert datetime.fromisoformat(body["time"]).tzinfo is not None
    assert body["database"]["ok"] is True
    assert body["database"]["engine"] == engine.dialect.name
    assert body["database"]["latency_ms"] >= 0
