"""What every request shares (engine, settings, catalog) and its own database connection."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings


@dataclass(frozen=True, slots=True)
class ApiState:
    engine: Engine
    settings: Settings
    catalog: Sequence[CatalogEntry]


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.permitdb
    return state


State = Annotated[ApiState, Depends(get_state)]


def get_connection(state: State) -> Iterator[Connection]:
    """One pooled connection per request, shared by auth and the route (FastAPI caches it)."""
    with state.engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(get_connection)]
