"""Engines: one URL in, a ready SQLAlchemy engine out (dialect specifics in ``dialects``)."""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from permitdb.settings import Settings, normalize_database_url
from permitdb.store import dialects


def _json_dumps(value: Any) -> str:
    # orjson: JSON columns hold every raw source record, so serialization speed is ingest speed
    return orjson.dumps(value).decode()


def create_engine_for(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL (``postgresql://`` uses psycopg 3)."""
    parsed = make_url(normalize_database_url(url))
    engine = sa.create_engine(
        parsed,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        **dialects.engine_options(parsed),
    )
    dialects.configure_engine(engine)
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    return create_engine_for(settings.resolved_database_url())
