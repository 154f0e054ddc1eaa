"""Permits as every caller needs them: a search page with its optional total, one permit by
id, and one permit's change history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from permitdb.canonical import PermitRecord
from permitdb.store.permit_changes import (
    ChangeKeyset,
    PermitChange,
    TimelineHead,
    permit_history,
    timeline_head,
)
from permitdb.store.permits import (
    PermitKeyset,
    PermitQuery,
    count_permits,
    get_permit,
    search_permits,
)


@dataclass(frozen=True, slots=True)
class PermitPage:
    records: list[PermitRecord]
    next_keyset: PermitKeyset | None
    total: tuple[int, bool] | None  # (value, is_exact) when asked for


def search(
    engine: Engine, query: PermitQuery, *, after: PermitKeyset | None, include_count: bool
) -> PermitPage:
    with engine.connect() as conn:
        records, next_keyset = search_permits(conn, query, after=after)
        total = count_permits(conn, query) if include_count else None
    return PermitPage(records, next_keyset, total)


def by_id(engine: Engine, permit_id: str) -> PermitRecord | None:
    with engine.connect() as conn:
        return get_permit(conn, permit_id)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    head: TimelineHead  # first sighting and the number of changes, above every page
    changes: list[PermitChange]
    next_keyset: ChangeKeyset | None


def history(
    engine: Engine, permit_id: str, *, limit: int, after: ChangeKeyset | None
) -> HistoryPage | None:
    """One page of the permit's changes, newest first; None when no permit has this id."""
    with engine.connect() as conn:
        head = timeline_head(conn, permit_id)
        if head is None:
            return None
        changes, next_keyset = permit_history(conn, head.permit_seq, limit=limit, after=after)
    return HistoryPage(head, changes, next_keyset)
