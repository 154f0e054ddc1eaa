"""Monthly metrics per place, kept at ingest: one refresh per sync, never per request.

``refresh`` runs once after a sync (``ingest.kinds`` ``after_run``). It finds the months the
dataset's permits changed since its last refresh (their month now, and the month a changed
date moved them out of), then recomputes those months for every place with set-based SQL
(``store.place_rollups``): each permit is counted under the property type of the parcel it
joins (``store.parcels.joined_property_type``, the rule the permit answers use; ``unknown``
without a parcel) and ``all``, and under each of its tags and ``all``. The current 12-month
snapshot (the 12 months ending with this month) is recomputed the same way, with the 12
months as one period.
Each refresh rewrites only the places its permits are in (their state and county are among
them), unless one of them moved from a place to another or it is the dataset's first (every
place of its months then); a new month rewrites every place's snapshot once.

A roll's sync (``refresh_parcels``) changes what its lots' permits join: the months and
places of the permits that join one of the parcels it wrote are recomputed the same way.

A permit's month is the month of its issue date, else of its application date; only
``record_class = permit`` records count.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store import place_index
from permitdb.store.dialects import insert_or_update, month_start
from permitdb.store.place_rollups import ALL, RollupScope, aggregate, geo_ids
from permitdb.store.tables import (
    parcels,
    permit_changes,
    permits,
    place_metrics,
    place_refreshes,
    places,
)

SNAPSHOT_MONTHS: Final = 12
_DATE_FIELDS: Final = ("issued_date", "applied_date")
# a permit that changed one of these may have left a place: every place is recounted
_PLACE_FIELDS: Final = ("state", "county_fips", "city", "zip", "jurisdiction", "address_key")
_PLACE_KEYS: Final = (permits.c.seq, *(permits.c[name] for name in _PLACE_FIELDS))


@dataclass(frozen=True, slots=True)
class Refresh:
    places_read: int  # distinct combinations of place columns read
    months: tuple[date, ...]  # months recomputed


def permit_month(dialect: sa.Dialect) -> sa.ColumnElement[Any]:
    return month_start(dialect, sa.func.coalesce(permits.c.issued_date, permits.c.applied_date))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _changed_months(conn: Connection, dataset: str, since: datetime | None) -> set[date]:
    """Months the dataset's permits are in, or were in before a date changed, since ``since``."""
    month = permit_month(conn.dialect)
    where = [permits.c.dataset == dataset, month.is_not(None)]
    if since is not None:
        where.append(permits.c.updated_at > since)
    found = {_as_date(m) for m in conn.execute(sa.select(month).where(*where).distinct()).scalars()}
    if since is None:
        return found
    old_values = conn.execute(
        sa.select(permit_changes.c.old_value).where(
            permit_changes.c.dataset == dataset,
            permit_changes.c.field.in_(_DATE_FIELDS),
            permit_changes.c.observed_at > since,
            permit_changes.c.old_value.is_not(None),
        )
    ).scalars()
    found.update(_as_date(json.loads(value)).replace(day=1) for value in old_values)
    return found


def _changed_places(
    conn: Connection, dataset: str, since: datetime | None
) -> sa.Select[Any] | None:
    """The geo ids of the dataset's permits written since ``since``; None (every place) when
    one of them moved to another place, whose old place must be recounted too, and on the
    dataset's first refresh, when its permits are in about every place of their months:
    testing each row against that scope costs more than recomputing the few it leaves out."""
    if since is None:
        return None
    moved = sa.select(permit_changes.c.id).where(
        permit_changes.c.dataset == dataset,
        permit_changes.c.field.in_(_PLACE_FIELDS),
        permit_changes.c.observed_at > since,
    )
    if conn.execute(moved.limit(1)).first() is not None:
        return None
    written = sa.and_(permits.c.dataset == dataset, permits.c.updated_at > since)
    changed = sa.select(*_PLACE_KEYS).where(written).cte("changed")
    return sa.select(geo_ids(changed, name="changed_geos").c.geo_id)


def _recount_places(conn: Connection, scope: RollupScope, months: Sequence[date]) -> None:
    """The search ranks places by permits: recount the places whose rollups were rewritten."""
    totals = place_metrics.alias("totals")
    everything = sa.and_(totals.c.months == 1, totals.c.property_type == ALL, totals.c.tag == ALL)
    count = (
        sa.select(sa.func.coalesce(sa.func.sum(totals.c.permit_count), 0))
        .where(everything, totals.c.geo_id == places.c.geo_id)
        .scalar_subquery()
    )
    touched = sa.select(totals.c.geo_id).where(everything, totals.c.month.in_(months))
    if scope.geos is not None:
        touched = touched.where(totals.c.geo_id.in_(scope.geos))
    conn.execute(sa.update(places).where(places.c.geo_id.in_(touched)).values(permit_count=count))


def _recompute_snapshot(
    conn: Connection, scope: RollupScope, months: Sequence[date], today: date
) -> None:
    """The 12 months ending with this month: only the scope's places while that window
    stays (nothing when no changed month is in it), every place once a new month moves it."""
    m = place_metrics.c
    end = today.replace(day=1)
    start = shift(end, 1 - SNAPSHOT_MONTHS)
    held = conn.execute(sa.select(sa.func.max(m.month)).where(m.months == SNAPSHOT_MONTHS)).scalar()
    moved = held is None or _as_date(held) != end
    if not moved and not any(start <= month <= end for month in months):
        return
    geos = None if moved else scope.geos
    window = permit_month(conn.dialect).between(start, end)
    snapshot = RollupScope((window,), geos)
    aggregate(conn, SNAPSHOT_MONTHS, sa.literal(end, sa.Date), snapshot, sa.true())


def _written_since(
    conn: Connection, table: sa.Table, dataset: str
) -> tuple[datetime | None, list[sa.ColumnElement[bool]], datetime | None]:
    """The dataset's mark (``place_refreshes``), the test of its rows of ``table`` written
    since, and the newest ``updated_at`` of those (None: nothing new)."""
    since = conn.execute(
        sa.select(place_refreshes.c.refreshed_through).where(place_refreshes.c.dataset == dataset)
    ).scalar()
    where = [table.c.dataset == dataset]
    if since is not None:
        where.append(table.c.updated_at > since)
    newest = conn.execute(sa.select(sa.func.max(table.c.updated_at)).where(*where)).scalar()
    return since, where, newest


def refresh(conn: Connection, dataset: str, *, now: datetime) -> Refresh:
    """Bring the places and rollups up to date with ``dataset``'s permits (see module doc)."""
    since, where, newest = _written_since(conn, permits, dataset)
    if newest is None:
        return Refresh(0, ())
    places_read = place_index.add_places(conn, where, now)
    months = tuple(sorted(_changed_months(conn, dataset, since)))
    if months:
        month = permit_month(conn.dialect)
        scope = RollupScope((month.in_(months),), _changed_places(conn, dataset, since))
        aggregate(conn, 1, month, scope, place_metrics.c.month.in_(months))
        _recount_places(conn, scope, months)
        _recompute_snapshot(conn, scope, months, now.date())
    _set_mark(conn, dataset, newest)
    return Refresh(places_read, months)


def _set_mark(conn: Connection, dataset: str, newest: datetime) -> None:
    conn.execute(
        insert_or_update(conn.dialect, place_refreshes, ["dataset"], ["refreshed_through"]),
        {"dataset": dataset, "refreshed_through": newest},
    )


def _on_parcels(parcel_where: Sequence[sa.ColumnElement[bool]]) -> sa.ColumnElement[bool]:
    """The permits that join one of the parcels matching ``parcel_where``: by parcel key in
    their state or by address, each side one index lookup per parcel."""
    touched = sa.select(parcels.c.state, parcels.c.parcel_key, parcels.c.address_key).where(
        *parcel_where
    )
    lots = touched.cte("touched_parcels")
    c = permits.c
    on_key = sa.select(c.seq).join(
        lots, sa.and_(lots.c.state == c.state, lots.c.parcel_key == c.parcel_key)
    )
    on_address = sa.select(c.seq).join(lots, lots.c.address_key == c.address_key)
    return c.seq.in_(sa.union(on_key, on_address))


def refresh_parcels(conn: Connection, dataset: str, *, now: datetime) -> Refresh:
    """Regroup, by their new property type, the permits that join a parcel ``dataset`` wrote
    since its last refresh: their months, in their places (a permit's count, sums and place
    do not change, so the places keep their permit counts)."""
    _since, where, newest = _written_since(conn, parcels, dataset)
    if newest is None:
        return Refresh(0, ())
    affected = sa.and_(_on_parcels(where), permits.c.record_class == "permit")
    month = permit_month(conn.dialect)
    found = conn.execute(sa.select(month).where(affected, month.is_not(None)).distinct())
    months = tuple(sorted(_as_date(m) for m in found.scalars()))
    if months:
        changed = sa.select(*_PLACE_KEYS).where(affected).cte("changed")
        geos = sa.select(geo_ids(changed, name="changed_geos").c.geo_id)
        scope = RollupScope((month.in_(months),), geos)
        aggregate(conn, 1, month, scope, place_metrics.c.month.in_(months))
        _recompute_snapshot(conn, scope, months, now.date())
    _set_mark(conn, dataset, newest)
    return Refresh(0, months)
