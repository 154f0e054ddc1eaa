"""Permits as every caller asks for them: search, by id, a batch of ids, by permit number,
and one permit's change history.

A lookup by number answers with the permit, or says why not in terms a caller can act on:
several jurisdictions hold the number (name one), none does but the number has a format some
covered jurisdictions use (the permit is not stored), or no covered jurisdiction numbers its
permits that way (the jurisdiction is not supported). Formats are learned from the stored
numbers (``store.permit_numbers``), so a newly loaded jurisdiction is recognised by its data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, Engine, RowMapping

from permitdb.canonical import PermitRecord
from permitdb.normalize.permit_numbers import permit_number_key, permit_number_shape
from permitdb.store.contractor_queries import primary_licenses
from permitdb.store.parcels import MatchedBy, properties_of
from permitdb.store.permit_changes import (
    ChangeKeyset,
    PermitChange,
    TimelineHead,
    permit_history,
    timeline_head,
)
from permitdb.store.permit_numbers import (
    Jurisdiction,
    best_by_key,
    find_jurisdiction,
    jurisdictions_holding,
    jurisdictions_using_shape,
    last_successful_sync,
)
from permitdb.store.permits import (
    PermitQuery,
    count_permits,
    get_permit,
    get_permits,
    search_permits,
)
from permitdb.store.sorts import PermitKeyset

MissReason = Literal[
    "ambiguous", "permit_not_found", "jurisdiction_not_supported", "jurisdiction_not_found"
]


Licenses = Mapping[str, RowMapping]  # contractor id -> its primary licence
Properties = dict[str, tuple[MatchedBy, RowMapping]]


@dataclass(frozen=True, slots=True)
class Joined:
    """What a page of permits is served with, read once for the whole page."""

    licenses: Licenses  # contractor id -> primary licence
    properties: Properties  # permit id -> its property (store.parcels.properties_of)


def joined(conn: Connection, records: Sequence[PermitRecord]) -> Joined:
    """The licences and properties of ``records``: one query each, whatever the page size."""
    contractor_ids = [r.contractor_id for r in records if r.contractor_id]
    licenses = primary_licenses(conn, contractor_ids) if contractor_ids else {}
    return Joined(licenses, properties_of(conn, records))


@dataclass(frozen=True, slots=True)
class PermitPage:
    records: list[PermitRecord]
    next_keyset: PermitKeyset | None
    total: tuple[int, bool] | None  # (value, is_exact) when asked for
    joined: Joined


@dataclass(frozen=True, slots=True)
class PermitBatch:
    records: list[PermitRecord]  # in the order first asked, each once
    not_found: list[str]  # the ids asked that none has
    joined: Joined


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """The permit a number names, with what a status view adds to it."""

    record: PermitRecord
    jurisdiction: Jurisdiction
    last_synced_at: datetime | None  # latest succeeded sync of the record's dataset
    age_seconds: int  # since the record was last fetched from its source
    joined: Joined  # its contractor's primary licence and its property


@dataclass(frozen=True, slots=True)
class NumberMiss:
    """Why a number names no single permit.

    ``jurisdictions``: for ``ambiguous`` the ones holding the number; for ``permit_not_found``
    the ones whose stored numbers have its format; empty otherwise.
    """

    reason: MissReason
    jurisdictions: tuple[Jurisdiction, ...] = ()


NumberLookup = NumberMatch | NumberMiss


def search(
    engine: Engine, query: PermitQuery, *, after: PermitKeyset | None, include_count: bool
) -> PermitPage:
    with engine.connect() as conn:
        records, next_keyset = search_permits(conn, query, after=after)
        total = count_permits(conn, query) if include_count else None
        return PermitPage(records, next_keyset, total, joined(conn, records))


def by_id(engine: Engine, permit_id: str) -> tuple[PermitRecord, Joined] | None:
    with engine.connect() as conn:
        record = get_permit(conn, permit_id)
        return None if record is None else (record, joined(conn, [record]))


def by_ids(engine: Engine, permit_ids: Sequence[str]) -> PermitBatch:
    asked = list(dict.fromkeys(permit_ids))
    with engine.connect() as conn:
        records = get_permits(conn, asked)
        extra = joined(conn, records)
    found = {record.id for record in records}
    return PermitBatch(records, [i for i in asked if i not in found], extra)


def _formats_used_by(conn: Connection, number: str) -> tuple[Jurisdiction, ...]:
    shape = permit_number_shape(number)
    return tuple(jurisdictions_using_shape(conn, shape)) if shape else ()


def _age_seconds(record: PermitRecord, now: datetime) -> int:
    confirmed = record.fetched_at or record.updated_at or now
    return max(0, int((now - confirmed).total_seconds()))


def _look_up(
    conn: Connection, number: str, jurisdiction: str | None, now: datetime
) -> NumberLookup:
    key = permit_number_key(number)
    if jurisdiction is not None:
        named = find_jurisdiction(conn, jurisdiction)
        if named is None:
            return NumberMiss("jurisdiction_not_found")
        holding = [named]
    else:
        holding = jurisdictions_holding(conn, key) if key else []
        if len(holding) > 1:
            return NumberMiss("ambiguous", tuple(holding))
    record = best_by_key(conn, key, holding[0].slug) if key and holding else None
    if record is None:
        using = _formats_used_by(conn, number)
        # a jurisdiction named by the caller is covered: its permit is what is missing
        if using or jurisdiction is not None:
            return NumberMiss("permit_not_found", using)
        return NumberMiss("jurisdiction_not_supported")
    return NumberMatch(
        record=record,
        jurisdiction=holding[0],
        last_synced_at=last_successful_sync(conn, record.dataset),
        age_seconds=_age_seconds(record, now),
        joined=joined(conn, [record]),
    )


def by_number(
    engine: Engine, number: str, *, jurisdiction: str | None, now: datetime
) -> NumberLookup:
    """The permit with this number (trimmed, any case), in ``jurisdiction`` or wherever it is."""
    with engine.connect() as conn:
        return _look_up(conn, number, jurisdiction, now)


def by_numbers(
    engine: Engine, asks: Sequence[tuple[str, str | None]], *, now: datetime
) -> list[NumberLookup]:
    """:func:`by_number` for each (number, jurisdiction or None), in order, on one connection."""
    with engine.connect() as conn:
        return [_look_up(conn, number, jurisdiction, now) for number, jurisdiction in asks]


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
