"""An operator's merges and splits: moving a mention, with its permits and licences, and the
pin that keeps it there across re-ingests (``store.contractors`` never moves a known mention,
and a new mention's merge pin or split pins decide before any match).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import LicenseRecord, PermitRecord
from permitdb.normalize.contractors import mention_from_license, mention_from_permit
from permitdb.store.contractor_rollups import refresh_rollups
from permitdb.store.contractors import contractor_row, point_at, stored_mention
from permitdb.store.tables import contractor_licenses, contractor_mentions, contractor_pins
from permitdb.store.tables import contractors as contractors_table
from permitdb.store.tables import permits as permits_table

PinKind = Literal["merge", "split"]
_PERMIT_EVIDENCE = (
    "state",
    "contractor_name",
    "contractor_license",
    "contractor_license_state",
    "contractor_phone",
    "contractor_address",
)
_LICENCE_EVIDENCE = (
    "license_number",
    "license_state",
    "state",
    "business_name",
    "dba_name",
    "person_name",
    "phone",
    "original_address1",
    "original_state",
)


def find_contractor(conn: Connection, contractor_id: str) -> Any | None:
    query = sa.select(contractors_table).where(contractors_table.c.id == contractor_id)
    return conn.execute(query).first()


def mentions_of(conn: Connection, contractor_id: str) -> list[Any]:
    m = contractor_mentions.c
    query = sa.select(contractor_mentions).where(m.contractor_id == contractor_id)
    return list(conn.execute(query.order_by(m.first_seen_at, m.mention_key)))


def pins_of(conn: Connection, mention_keys: Sequence[str], contractor_id: str) -> list[Any]:
    p = contractor_pins.c
    query = sa.select(contractor_pins).where(
        sa.or_(p.contractor_id == contractor_id, p.mention_key.in_(list(mention_keys)))
    )
    return list(conn.execute(query.order_by(p.id)))


def mentions_by_prefix(conn: Connection, prefix: str) -> list[Any]:
    """Mentions whose key starts with ``prefix`` (an index range: keys are lower-case hex)."""
    m = contractor_mentions.c
    query = sa.select(contractor_mentions).where(
        m.mention_key >= prefix, m.mention_key < prefix + "g"
    )
    return list(conn.execute(query.order_by(m.mention_key).limit(2)))


def move_mention(conn: Connection, mention: Any, target: str, *, now: datetime) -> int:
    """Send ``mention`` and the permits and licences it came from to ``target``; returns how
    many permits moved. Rollups of both contractors follow."""
    source = mention.contractor_id
    conn.execute(
        sa.update(contractor_mentions)
        .where(contractor_mentions.c.mention_key == mention.mention_key)
        .values(contractor_id=target, match_method="pinned", confidence=1.0, updated_at=now)
    )
    permits = _rows_of(conn, permits_table, source, _PERMIT_EVIDENCE)
    moved = {
        row.id: target
        for row in permits
        if _key(mention_from_permit(PermitRecord(**_evidence(row, _PERMIT_EVIDENCE))))
        == mention.mention_key
    }
    licences = _rows_of(conn, contractor_licenses, source, _LICENCE_EVIDENCE)
    point_at(conn, permits_table, moved)
    point_at(
        conn,
        contractor_licenses,
        {
            row.id: target
            for row in licences
            if _key(mention_from_license(LicenseRecord(**_evidence(row, _LICENCE_EVIDENCE))))
            == mention.mention_key
        },
    )
    refresh_rollups(conn, {source, target}, now=now)
    return len(moved)


def found_contractor_for(conn: Connection, mention: Any, contractor_id: str, now: datetime) -> None:
    """A contractor of its own for a split-off mention (kept if it exists from before)."""
    if find_contractor(conn, contractor_id) is None:
        conn.execute(
            sa.insert(contractors_table),
            [contractor_row(contractor_id, stored_mention(mention), now)],
        )


def drop_if_empty(conn: Connection, contractor_id: str) -> bool:
    """Delete a contractor no mention points at any more (after a merge emptied it)."""
    left = conn.execute(
        sa.select(sa.func.count())
        .select_from(contractor_mentions)
        .where(contractor_mentions.c.contractor_id == contractor_id)
    ).scalar_one()
    if left:
        return False
    conn.execute(sa.delete(contractors_table).where(contractors_table.c.id == contractor_id))
    return True


def add_pin(
    conn: Connection,
    kind: PinKind,
    mention_key: str,
    contractor_id: str,
    *,
    note: str | None,
    now: datetime,
) -> None:
    conn.execute(
        sa.insert(contractor_pins).values(
            kind=kind,
            mention_key=mention_key,
            contractor_id=contractor_id,
            note=note,
            created_at=now,
        )
    )


def _rows_of(
    conn: Connection, table: sa.Table, contractor_id: str, columns: Sequence[str]
) -> list[Any]:
    query = sa.select(table.c.id, *(table.c[name] for name in columns))
    return list(conn.execute(query.where(table.c.contractor_id == contractor_id)))


def _evidence(row: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in columns}


def _key(mention: Any) -> str | None:
    return mention.mention_key if mention is not None else None
