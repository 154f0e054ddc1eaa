"""The API with nothing joined to a permit page: the baseline of the enrichment cell.

The same app factory over the same database, except that ``services.permits.joined`` (the
licence and parcel reads behind ``contractor_license`` and ``property``) finds nothing, so a
page is answered with those null. Run by ``bench.server.serve`` in its own uvicorn process:
the swap never reaches the benchmark process or the API the other cells measure.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from sqlalchemy import Connection

from permitdb.api.app import create_app as create_joined_app
from permitdb.canonical import PermitRecord
from permitdb.services import permits


def _nothing_joined(conn: Connection, records: Sequence[PermitRecord]) -> permits.Joined:
    del conn, records
    return permits.Joined({}, {})


def create_app() -> FastAPI:
    permits.joined = _nothing_joined
    return create_joined_app()
