"""Permit history: the fields a re-sync saw change, written beside the update, read per permit.

``upsert_permits`` calls :func:`record_changes` only for rows whose ``content_hash`` changed,
before it overwrites them, so unchanged rows cost nothing and the old values are still there
to read. One row per changed field; values are JSON text so every field type fits one column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import FIELD_NAMES, PermitRecord
from permitdb.store.tables import permit_changes, permits

# Not history: identity (never changes for one source key), what the store or the fetch stamps
# on every write, the untouched source record, and explanations derived from fields that are
# tracked themselves (classification_rules says why tags/status are what they are), and the
# contractor the store resolved (a normalized record never carries it).
UNTRACKED: Final = frozenset(
    {
        "id",
        "jurisdiction",
        "dataset",
        "source_record_id",
        "fetched_at",
        "first_seen_at",
        "updated_at",
        "source_updated_at",
        "content_hash",
        "raw",
        "classification_rules",
        "quality_flags",
        "contractor_id",
    }
)
TRACKED_FIELDS: Final = tuple(name for name in FIELD_NAMES if name not in UNTRACKED)
# A set of values, not a sequence: the same tags in another order are not a change.
UNORDERED: Final = frozenset({"tags"})
CHUNK: Final = 1000  # well under SQLite's bound-parameter limit


@dataclass(frozen=True, slots=True)
class PermitChange:
    id: int
    observed_at: datetime
    field: str
    old: Any  # JSON value: null, string, number or list
    new: Any
    run_id: int | None


@dataclass(frozen=True, slots=True)
class ChangeKeyset:
    """Where a history page ended, in timeline order (observed_at DESC, id DESC)."""

    observed_at: datetime
    id: int


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot store {type(value).__name__} in permit history")


def _json_text(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=_json_default)


def _same(name: str, old: Any, new: Any) -> bool:
    if name in UNORDERED:
        return set(old or ()) == set(new or ())
    return bool(old == new)


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def record_changes(
    conn: Connection,
    changed: Sequence[tuple[int, PermitRecord]],
    *,
    now: datetime,
    run_id: int | None,
) -> None:
    """Store one row per tracked field that differs between each stored row and its new
    record; call before the update, while the old values are still there."""
    stored: dict[int, sa.Row[Any]] = {}
    columns = [permits.c[name] for name in TRACKED_FIELDS]
    for chunk in _chunks([seq for seq, _ in changed]):
        rows = conn.execute(sa.select(permits.c.seq, *columns).where(permits.c.seq.in_(chunk)))
        stored.update((row.seq, row) for row in rows)
    entries: list[dict[str, Any]] = []
    for seq, record in changed:
        old_row = stored[seq]._mapping
        for name in TRACKED_FIELDS:
            old, new = old_row[name], getattr(record, name)
            if _same(name, old, new):
                continue
            entries.append(
                {
                    "permit_seq": seq,
                    "dataset": record.dataset,
                    "observed_at": now,
                    "field": name,
                    "old_value": _json_text(old),
                    "new_value": _json_text(new),
                    "run_id": run_id,
                }
            )
    if entries:
        conn.execute(sa.insert(permit_changes), entries)


def _after(after: ChangeKeyset | None) -> sa.ColumnElement[bool]:
    if after is None:
        return sa.true()
    observed, change_id = permit_changes.c.observed_at, permit_changes.c.id
    return sa.and_(
        observed <= after.observed_at,
        sa.or_(observed < after.observed_at, change_id < after.id),
    )


def permit_history(
    conn: Connection, permit_seq: int, *, limit: int, after: ChangeKeyset | None = None
) -> tuple[list[PermitChange], ChangeKeyset | None]:
    """One page of a permit's changes, newest first, and the keyset to continue from."""
    c = permit_changes.c
    rows = conn.execute(
        sa.select(c.id, c.observed_at, c.field, c.old_value, c.new_value, c.run_id)
        .where(c.permit_seq == permit_seq, _after(after))
        .order_by(c.observed_at.desc(), c.id.desc())
        .limit(limit + 1)  # one more than a page tells whether another page exists
    ).all()
    changes = [
        PermitChange(
            id=row.id,
            observed_at=row.observed_at,
            field=row.field,
            old=None if row.old_value is None else json.loads(row.old_value),
            new=None if row.new_value is None else json.loads(row.new_value),
            run_id=row.run_id,
        )
        for row in rows[:limit]
    ]
    if len(rows) <= limit:
        return changes, None
    last = changes[-1]
    return changes, ChangeKeyset(observed_at=last.observed_at, id=last.id)


@dataclass(frozen=True, slots=True)
class TimelineHead:
    """What a history page shows above its changes."""

    permit_seq: int
    first_seen_at: datetime
    changes: int


def timeline_head(conn: Connection, permit_id: str) -> TimelineHead | None:
    """The permit's seq, first sighting and number of changes; None for an unknown id."""
    found = conn.execute(
        sa.select(permits.c.seq, permits.c.first_seen_at).where(permits.c.id == permit_id)
    ).first()
    if found is None:
        return None
    return TimelineHead(found.seq, found.first_seen_at, _count_changes(conn, found.seq))


def _count_changes(conn: Connection, permit_seq: int) -> int:
    statement = sa.select(sa.func.count()).where(permit_changes.c.permit_seq == permit_seq)
    count: int = conn.execute(statement).scalar_one()
    return count
