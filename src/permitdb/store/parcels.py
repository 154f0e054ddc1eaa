"""Parcels (properties): the page write of an assessor roll, and the queries that serve them.

A roll keeps no history: a changed row replaces the stored one (``store.records``). Permits
find their parcel by ``parcel_key`` within a state, else by ``address_key`` (both indexed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from permitdb.canonical import ParcelRecord
from permitdb.store.records import UpsertCounts, upsert_records
from permitdb.store.tables import parcels


def upsert_parcels(
    conn: Connection, records: Sequence[ParcelRecord], *, now: datetime, run_id: int | None
) -> UpsertCounts:
    """Write a page of parcels by (dataset, source_record_id); ``run_id`` is not kept."""
    del run_id  # a parcel row keeps no per-run history
    return upsert_records(conn, parcels, records, now=now)
