"""Monthly metrics per place, kept at ingest: one refresh per sync, never per request.

``refresh`` runs once after a sync (``ingest.kinds`` ``after_run``). It finds the months the
dataset's permits changed since its last refresh (their month now, and the month a changed
date moved them out of), then recomputes those months for every place with set-based SQL:
the permits of those months are joined to their places (``places.key``), each is counted
under its property type and ``all``, and under each of its tags and ``all``, and each
(geo_id, month, property_type, tag) group gets its count, sums, medians (by row number, the
same SQL on both engines) and distinct contractors. The current 12-month snapshot (the 12
months ending with this month) is recomputed the same way, with the 12 months as one period.
Each refresh rewrites only the places its permits are in (their state and county are among
them), unless one of them moved from a place to another; a new month rewrites every place's
snapshot once.

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
from permitdb.store.dialects import days_between, insert_or_update, month_start
from permitdb.store.tables import (
    permit_changes,
    permit_tags,
    permits,
    place_metrics,
    place_refreshes,
    places,
)

ALL: Final = "all"  # the property_type and tag of rows over every value
UNKNOWN_PROPERTY_TYPE: Final = "unknown"  # until parcel enrichment gives permits one
SNAPSHOT_MONTHS: Final = 12
_DATE_FIELDS: Final = ("issued_date", "applied_date")
_GROUP: Final = ("geo_id", "month", "property_type", "tag")
_KEYS: Final = ("geo_id", "month", "tag")  # what is counted: the property type is "all"
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


def _days(dialect: sa.Dialect, start: sa.ColumnElement[Any], end: sa.ColumnElement[Any]) -> Any:
    days = days_between(dialect, start, end)
    return sa.case((days >= 0, days), else_=None)


def _base(dialect: sa.Dialect, period: Any, where: Sequence[sa.ColumnElement[bool]]) -> sa.CTE:
    c = permits.c
    return (
        sa.select(
            c.seq,
            period.label("month"),
            c.valuation,
            c.fees,
            _days(dialect, c.applied_date, c.issued_date).label("approval_days"),
            _days(dialect, c.issued_date, c.finaled_date).label("construction_days"),
            c.contractor_id,
            *place_index.PLACE_COLUMNS[:-1],
        )
        .where(c.record_class == "permit", *where)
        .cte("base")
    )


def _geo_ids(base: sa.CTE, only: sa.Select[Any] | None = None, name: str = "geos") -> sa.CTE:
    """(seq, geo_id) for every place each permit of ``base`` is in (of ``only``, if given)."""
    joins = []
    for geo_type, key in (
        ("state", base.c.state),
        ("county", base.c.county_fips),
        ("city", base.c.state.concat("|").concat(base.c.city)),
        ("zip", base.c.zip),
        ("jurisdiction", base.c.jurisdiction),
        ("address", base.c.address_key),
    ):
        join = sa.select(base.c.seq, places.c.geo_id).join(
            places, sa.and_(places.c.type == geo_type, places.c.key == key)
        )
        joins.append(join if only is None else join.where(places.c.geo_id.in_(only)))
    return sa.union_all(*joins).cte(name)


def _expanded(conn: Connection, period: Any, scope: _Scope) -> sa.CTE:
    """One row per (permit, geo_id, tag or all) of the permits in scope: counted once, for the
    property type "all"."""
    base = _base(conn.dialect, period, scope.where)
    geos = _geo_ids(base, scope.geos)
    tags = sa.union_all(
        sa.select(base.c.seq, sa.literal(ALL, sa.String).label("tag")),
        sa.select(permit_tags.c.permit_seq, permit_tags.c.tag).join(
            base, base.c.seq == permit_tags.c.permit_seq
        ),
    ).cte("tags")
    return (
        sa.select(
            geos.c.geo_id,
            base.c.month,
            tags.c.tag,
            base.c.valuation,
            base.c.fees,
            base.c.approval_days,
            base.c.construction_days,
            base.c.contractor_id,
        )
        .select_from(base.join(geos, geos.c.seq == base.c.seq).join(tags, tags.c.seq == base.c.seq))
        .cte("expanded")
    )


def _median(expanded: sa.CTE, sums: sa.CTE, column: str) -> sa.CTE:
    """Per group, the median of ``column`` (the mean of the middle two for an even count):
    the values ranked in one window pass, their count taken from ``sums``."""
    keys = [expanded.c[name] for name in _KEYS]
    value = expanded.c[column]
    ranked = (
        sa.select(
            *keys,
            value.label("value"),
            sa.func.row_number().over(partition_by=keys, order_by=value).label("rank"),
        )
        .where(value.is_not(None))
        .cte(f"ranked_{column}")
    )
    size = sums.c[f"{column}_n"]
    middle = sa.or_(ranked.c.rank == (size + 1) // 2, ranked.c.rank == (size + 2) // 2)
    group = [ranked.c[name] for name in _KEYS]
    return (
        sa.select(*group, sa.func.avg(ranked.c.value).label("median"))
        .join(sums, sa.and_(*(sums.c[name] == ranked.c[name] for name in _KEYS)))
        .where(middle)
        .group_by(*group)
        .cte(f"median_{column}")
    )


_COLUMNS: Final = (
    *_GROUP,
    "months",
    "permit_count",
    "job_value",
    "fees",
    "median_approval_days",
    "median_construction_days",
    "active_contractors",
)


@dataclass(frozen=True, slots=True)
class _Scope:
    """Which permits a recompute reads, and which places' rows it rewrites (None: all)."""

    where: tuple[sa.ColumnElement[bool], ...]
    geos: sa.Select[Any] | None

    def rows(self, months: int) -> list[sa.ColumnElement[bool]]:
        """The rollup rows this scope rewrites, of the given period length."""
        m = place_metrics.c
        where = [m.months == months]
        return where if self.geos is None else [*where, m.geo_id.in_(self.geos)]


def _aggregate(
    conn: Connection, months: int, period: Any, scope: _Scope, periods: sa.ColumnElement[bool]
) -> None:
    """Replace the rollup rows of ``scope`` in ``periods`` (a test of ``place_metrics.month``)
    with those of its permits, grouped by ``period``."""
    conn.execute(sa.delete(place_metrics).where(*scope.rows(months), periods))
    expanded = _expanded(conn, period, scope)
    keys = [expanded.c[name] for name in _KEYS]
    sums = (
        sa.select(
            *keys,
            sa.func.count().label("permit_count"),
            sa.func.sum(expanded.c.valuation).label("job_value"),
            sa.func.sum(expanded.c.fees).label("fees"),
            sa.func.count(sa.distinct(expanded.c.contractor_id)).label("active_contractors"),
            sa.func.count(expanded.c.approval_days).label("approval_days_n"),
            sa.func.count(expanded.c.construction_days).label("construction_days_n"),
        )
        .group_by(*keys)
        .cte("sums")
    )
    approval = _median(expanded, sums, "approval_days")
    construction = _median(expanded, sums, "construction_days")

    def same_group(median: sa.CTE) -> sa.ColumnElement[bool]:
        return sa.and_(*(median.c[name] == sums.c[name] for name in _KEYS))

    rows = sa.select(
        sums.c.geo_id,
        sums.c.month,
        sa.literal(ALL, sa.String).label("property_type"),
        sums.c.tag,
        sa.literal(months, sa.Integer).label("months"),
        sums.c.permit_count,
        sums.c.job_value,
        sums.c.fees,
        approval.c.median.label("median_approval_days"),
        construction.c.median.label("median_construction_days"),
        sums.c.active_contractors,
    ).select_from(
        sums.outerjoin(approval, same_group(approval)).outerjoin(
            construction, same_group(construction)
        )
    )
    conn.execute(sa.insert(place_metrics).from_select(_COLUMNS, rows))
    # Every permit's property type is UNKNOWN_PROPERTY_TYPE until parcels enrich permits, so
    # its rows are the "all" rows: copied, not counted again.
    m = place_metrics.c
    unknown = sa.literal(UNKNOWN_PROPERTY_TYPE, sa.String)
    copied = sa.select(*(unknown if n == "property_type" else m[n] for n in _COLUMNS)).where(
        *scope.rows(months), m.property_type == ALL, periods
    )
    conn.execute(sa.insert(place_metrics).from_select(_COLUMNS, copied))


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
    one of them moved to another place, whose old place must be recounted too."""
    if since is not None:
        moved = sa.select(permit_changes.c.id).where(
            permit_changes.c.dataset == dataset,
            permit_changes.c.field.in_(_PLACE_FIELDS),
            permit_changes.c.observed_at > since,
        )
        if conn.execute(moved.limit(1)).first() is not None:
            return None
    where = [permits.c.dataset == dataset]
    if since is not None:
        where.append(permits.c.updated_at > since)
    changed = sa.select(*_PLACE_KEYS).where(*where).cte("changed")
    return sa.select(_geo_ids(changed, name="changed_geos").c.geo_id)


def _recount_places(conn: Connection, scope: _Scope, months: Sequence[date]) -> None:
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
    conn: Connection, scope: _Scope, months: Sequence[date], today: date
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
    snapshot = _Scope((window,), geos)
    _aggregate(conn, SNAPSHOT_MONTHS, sa.literal(end, sa.Date), snapshot, sa.true())


def refresh(conn: Connection, dataset: str, *, now: datetime) -> Refresh:
    """Bring the places and rollups up to date with ``dataset``'s permits (see module doc)."""
    since = conn.execute(
        sa.select(place_refreshes.c.refreshed_through).where(place_refreshes.c.dataset == dataset)
    ).scalar()
    where = [permits.c.dataset == dataset]
    if since is not None:
        where.append(permits.c.updated_at > since)
    newest = conn.execute(sa.select(sa.func.max(permits.c.updated_at)).where(*where)).scalar()
    if newest is None:
        return Refresh(0, ())
    places_read = place_index.add_places(conn, where, now)
    months = tuple(sorted(_changed_months(conn, dataset, since)))
    if months:
        month = permit_month(conn.dialect)
        scope = _Scope((month.in_(months),), _changed_places(conn, dataset, since))
        _aggregate(conn, 1, month, scope, place_metrics.c.month.in_(months))
        _recount_places(conn, scope, months)
        _recompute_snapshot(conn, scope, months, now.date())
    conn.execute(
        insert_or_update(conn.dialect, place_refreshes, ["dataset"], ["refreshed_through"]),
        {"dataset": dataset, "refreshed_through": newest},
    )
    return Refresh(places_read, months)
