"""Contractor licences: the page write of a licensing board's dataset.

A licence keeps no history: a changed row replaces the stored one (``store.records``). The
contractor each licence resolves to is linked after the page, in its transaction
(``store.contractors.resolve_license_contractors``, the licence kind's ``after_write``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from permitdb.canonical import LicenseRecord
from permitdb.store.records import UpsertCounts, upsert_records
from permitdb.store.tables import contractor_licenses


def upsert_licenses(
    conn: Connection, records: Sequence[LicenseRecord], *, now: datetime, run_id: int | None
) -> UpsertCounts:
    """Write a page of licences by (dataset, source_record_id); ``run_id`` is not kept."""
    del run_id  # a licence row keeps no per-run history
    return upsert_records(conn, contractor_licenses, records, now=now)
