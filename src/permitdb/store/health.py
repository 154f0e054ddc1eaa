"""Database health, for the API's health route and ``permitdb`` diagnostics."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def ping(engine: Engine) -> float:
    """Round-trip time of a trivial query, in milliseconds; raises if the database is down."""
    started = time.perf_counter()
    with engine.connect() as connection:
        connection.execute(sa.select(1))
    return (time.perf_counter() - started) * 1000
