"""Permit search as every caller needs it: one page, where it ended, and the optional total."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from permitdb.canonical import PermitRecord
from permitdb.store.permits import PermitQuery, count_permits, get_permit, search_permits
from permitdb.store.sorts import PermitKeyset


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
