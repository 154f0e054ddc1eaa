"""What every request shares (engine, settings, catalog, metrics) and its own connection."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

from permitdb.api.key_cache import KeyCache
from permitdb.api.metrics import RequestMetrics
from permitdb.catalog.model import CatalogEntry
from permitdb.services.counts import CountCache
from permitdb.settings import Settings


@dataclass(frozen=True, slots=True)
class ApiState:
    engine: Engine
    settings: Settings
    catalog: Sequence[CatalogEntry]
    metrics: RequestMetrics
    keys: KeyCache = field(default_factory=KeyCache)
    counts: CountCache = field(default_factory=CountCache)  # browse lists, per data version


# async: FastAPI would run a plain def in the thread pool, a hop that costs more than this
async def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.permitdb
    return state


State = Annotated[ApiState, Depends(get_state)]


def get_connection(state: State) -> Iterator[Connection]:
    """One pooled connection per request for the routes that take it (FastAPI caches it).

    The permit routes open their own instead: this generator costs two thread-pool hops.
    """
    with state.engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(get_connection)]
