"""Jurisdiction requests: what users ask permitdb to cover, one vote per API key.

The caller normalizes names (``services.jurisdiction_requests``); here a request is found by its
``(name_key, state)``. ``request_count`` moves with the votes in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, get_args

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store import dialects
from permitdb.store.tables import REQUEST_ORDER, jurisdiction_request_votes, jurisdiction_requests

RequestStatus = Literal["requested", "planned", "covered", "declined"]
REQUEST_STATUSES: Final = get_args(RequestStatus)


@dataclass(frozen=True, slots=True)
class JurisdictionRequestRow:
    id: int
    name_key: str
    state: str
    name: str  # as the first requester wrote it
    status: RequestStatus
    request_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RequestKeyset:
    """Where a listing page ended, in listing order (request_count DESC, id)."""

    request_count: int
    id: int


def _row(row: sa.Row[Any]) -> JurisdictionRequestRow:
    return JurisdictionRequestRow(**row._mapping)


def get_request(conn: Connection, request_id: int) -> JurisdictionRequestRow | None:
    row = conn.execute(
        sa.select(jurisdiction_requests).where(jurisdiction_requests.c.id == request_id)
    ).first()
    return None if row is None else _row(row)


def find_or_create_request(
    conn: Connection, *, name_key: str, state: str, name: str, now: datetime
) -> tuple[JurisdictionRequestRow, bool]:
    """The request for ``(name_key, state)``, created with no votes if new; True if created.

    Insert-or-ignore, then read: two first requests at once make one row, never an error.
    RETURNING tells whether the row was inserted (psycopg's rowcount does not, here).
    """
    insert = dialects.insert_or_ignore(conn.dialect, jurisdiction_requests, ("name_key", "state"))
    created = conn.execute(
        insert.returning(jurisdiction_requests.c.id),
        {
            "name_key": name_key,
            "state": state,
            "name": name,
            "status": "requested",
            "request_count": 0,
            "created_at": now,
            "updated_at": now,
        },
    )
    row = conn.execute(
        sa.select(jurisdiction_requests).where(
            jurisdiction_requests.c.name_key == name_key, jurisdiction_requests.c.state == state
        )
    ).one()
    return _row(row), created.first() is not None


def add_vote(conn: Connection, request_id: int, api_key_id: int, *, now: datetime) -> bool:
    """Count this key's vote once; False (and nothing changes) when it had voted already."""
    insert = dialects.insert_or_ignore(
        conn.dialect, jurisdiction_request_votes, ("request_id", "api_key_id")
    )
    voted = conn.execute(
        insert.returning(jurisdiction_request_votes.c.request_id),
        {"request_id": request_id, "api_key_id": api_key_id, "created_at": now},
    )
    if voted.first() is None:
        return False
    conn.execute(
        sa.update(jurisdiction_requests)
        .where(jurisdiction_requests.c.id == request_id)
        .values(request_count=jurisdiction_requests.c.request_count + 1, updated_at=now)
    )
    return True


def list_requests(
    conn: Connection, *, limit: int, after: RequestKeyset | None = None
) -> tuple[list[JurisdictionRequestRow], RequestKeyset | None]:
    """One page, most votes first (the earlier request first among equals), and its keyset."""
    c = jurisdiction_requests.c
    statement = sa.select(jurisdiction_requests).order_by(*REQUEST_ORDER).limit(limit + 1)
    if after is not None:
        statement = statement.where(
            sa.or_(
                c.request_count < after.request_count,
                sa.and_(c.request_count == after.request_count, c.id > after.id),
            )
        )
    rows = [_row(row) for row in conn.execute(statement)]
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], RequestKeyset(request_count=last.request_count, id=last.id)


def set_request_status(
    conn: Connection, request_id: int, status: RequestStatus, *, now: datetime
) -> JurisdictionRequestRow | None:
    """The request with its new status; None for an unknown id."""
    conn.execute(
        sa.update(jurisdiction_requests)
        .where(jurisdiction_requests.c.id == request_id)
        .values(status=status, updated_at=now)
    )
    return get_request(conn, request_id)
