"""Parcels (properties) for the API and the CLI: search, one by id, and the permits on one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine

from permitdb.canonical import ParcelRecord
from permitdb.store.parcels import ParcelQuery, get_parcel, search_parcels
from permitdb.store.permits import PermitQuery


@dataclass(frozen=True, slots=True)
class ParcelPage:
    records: list[ParcelRecord]
    next_after: str | None  # the id the next page continues after; None on the last page


def search(engine: Engine, query: ParcelQuery, *, limit: int, after: str | None) -> ParcelPage:
    with engine.connect() as conn:
        records, next_after = search_parcels(conn, query, limit=limit, after_id=after)
    return ParcelPage(records, next_after)


def by_id(engine: Engine, parcel_record_id: str) -> ParcelRecord | None:
    with engine.connect() as conn:
        return get_parcel(conn, parcel_record_id)


def permits_query(parcel: ParcelRecord, base: PermitQuery) -> PermitQuery:
    """``base`` narrowed to the permits pulled on ``parcel``: the same parcel key in its state,
    or the same address key; every record class, so its certificates of occupancy show too."""
    return replace(
        base,
        on_parcel=(parcel.state, parcel.parcel_key, parcel.address_key),
        record_class=("permit", "certificate_of_occupancy"),
    )
