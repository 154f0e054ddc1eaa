"""A live API on 127.0.0.1 over the seeded test database, for clients that need a real socket.

Schemathesis' command line, a generated client and a headless browser all talk HTTP. uvicorn
serves the ``app`` fixture (both engines) in a thread, on a port the OS picks, so parallel
workers and checkouts never collide; the explorer pages, which read only the document, get an
app of their own for the whole module.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine

from permitdb.api.app import create_app
from permitdb.api.limits import SERVER_HEAD_BYTES
from permitdb.canonical import PermitRecord
from permitdb.store import place_metrics

Store = Callable[..., list[PermitRecord]]

# Permits with and without an issue date, a valuation, a contractor and a location, in two
# jurisdictions, and a certificate of occupancy (not listed by default).
SEEDS: list[dict[str, Any]] = [
    {"source_record_id": "a", "state": "NY", "zip": "10001", "permit_number": "E-1"},
    {"source_record_id": "b", "status": "finaled", "status_phase": "closed",
     "finaled_date": date(2026, 4, 1), "valuation": Decimal("12000.50"), "permit_number": "B-2"},
    {"dataset": "sampleton-tx/building-permits", "source_record_id": "c", "issued_date": None,
     "valuation": None, "contractor_name": None, "latitude": None, "longitude": None,
     "location_source": None, "permit_number": "P-3"},
    {"source_record_id": "d", "record_class": "certificate_of_occupancy", "tags": [],
     "category": None, "permit_number": "CO-4"},
]  # fmt: skip


@pytest.fixture
def seeded(store: Store, engine: Engine) -> list[PermitRecord]:
    records = store(*SEEDS)
    with engine.begin() as conn:  # the places and metrics an ingest would keep
        for dataset in sorted({record.dataset for record in records}):
            place_metrics.refresh(conn, dataset, now=datetime.now(UTC))
    return records


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 until the block ends; yields the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        h11_max_incomplete_event_size=SERVER_HEAD_BYTES,  # as permitdb serve runs it
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn exited before serving; see its log above")
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    """Base URL of the ``app`` fixture (SQLite and PostgreSQL) served on 127.0.0.1."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def docs_site() -> Iterator[str]:
    """Base URL of an API whose database is never touched: the explorer pages read only the
    document, which is the same on every engine."""
    with serve(create_app(create_engine("sqlite://"), catalog=[])) as url:
        yield url
