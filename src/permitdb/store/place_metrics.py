"""Monthly metrics per place, kept at ingest: one refresh per sync, never per request.

``refresh`` runs once after a sync (``ingest.kinds`` ``after_run``). It finds the months the
dataset's permits changed since its last refresh (their month now, and the month a changed
date moved them out of), then recomputes those months for every place with set-based SQL:
the permits of those months are joined to their places (``places.key``), each is counted
under its property type and ``all``, and under each of its tags and ``all``, and each
(geo_id, month, property_type, tag) group gets its count, sums, medians (by row number, the
same SQL on both engines) and distinct contractors. The current 12-month snapshot is
recomputed the same way, with the 12 months as one period.

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


def _base(dialect: sa.Dialect, period: Any, where: sa.ColumnElement[bool]) -> sa.CTE:
    c = permits.c
    return (
        sa.select(
            c.seq,
            period.label("month"),
            sa.literal(UNKNOWN_PROPERTY_TYPE, sa.String).label("property_type"),
            c.valuation,
            c.fees,
            _days(dialect, c.applied_date, c.issued_date).label("approval_days"),
            _days(dialect, c.issued_date, c.finaled_date).label("construction_days"),
            c.contractor_id,
            *place_index.PLACE_COLUMNS[:-1],
        )
        .where(c.record_class == "permit", where)
        .cte("base")
    )


def _geo_ids(base: sa.CTE) -> sa.CTE:
    """(seq, geo_id) for every place each permit of ``base`` is in."""
    joins = []
    for geo_type, key in (
        ("state", base.c.state),
        ("county", base.c.county_fips),
        ("city", base.c.state.concat("|").concat(base.c.city)),
        ("zip", base.c.zip),
        ("jurisdiction", base.c.jurisdiction),
        ("address", base.c.address_key),
    ):
        joins.append(
            sa.select(base.c.seq, places.c.geo_id).join(
                places, sa.and_(places.c.type == geo_type, places.c.key == key)
            )
        )
    return sa.union_all(*joins).cte("geos")


def _expanded(dialect: sa.Dialect, period: Any, where: sa.ColumnElement[bool]) -> sa.CTE:
    """One row per (permit, geo_id, property type or all, tag or all) of the permits."""
    base = _base(dialect, period, where)
    geos = _geo_ids(base)
    all_text = sa.literal(ALL, sa.String)
    tags = sa.union_all(
        sa.select(base.c.seq, all_text.label("tag")),
        sa.select(permit_tags.c.permit_seq, permit_tags.c.tag).join(
            base, base.c.seq == permit_tags.c.permit_seq
        ),
    ).cte("tags")
    kinds = sa.union_all(
        sa.select(base.c.seq, all_text.label("property_type")),
        sa.select(base.c.seq, base.c.property_type),
    ).cte("kinds")
    return (
        sa.select(
            geos.c.geo_id,
            base.c.month,
            kinds.c.property_type,
            tags.c.tag,
            base.c.valuation,
            base.c.fees,
            base.c.approval_days,
            base.c.construction_days,
            base.c.contractor_id,
        )
        .select_from(
            base.join(geos, geos.c.seq == base.c.seq)
            .join(tags, tags.c.seq == base.c.seq)
            .join(kinds, kinds.c.seq == base.c.seq)
        )
        .cte("expanded")
    )


def _median(expanded: sa.CTE, column: str) -> sa.CTE:
    """Per group, the median of ``column`` (the mean of the middle two for an even count)."""
    keys = [expanded.c[name] for name in _GROUP]
    value = expanded.c[column]
    ranked = (
        sa.select(
            *keys,
            value.label("value"),
            sa.func.row_number().over(partition_by=keys, order_by=value).label("rank"),
            sa.func.count().over(partition_by=keys).label("size"),
        )
        .where(value.is_not(None))
        .cte(f"ranked_{column}")
    )
    middle = sa.or_(
        ranked.c.rank == (ranked.c.size + 1) // 2, ranked.c.rank == (ranked.c.size + 2) // 2
    )
    group = [ranked.c[name] for name in _GROUP]
    return (
        sa.select(*group, sa.func.avg(ranked.c.value).label("median"))
        .where(middle)
        .group_by(*group)
        .cte(f"median_{column}")
    )


def _aggregate(conn: Connection, months: int, period: Any, where: sa.ColumnElement[bool]) -> None:
    """Insert the rollup rows of the permits matching ``where``, grouped by ``period``."""
    expanded = _expanded(conn.dialect, period, where)
    keys = [expanded.c[name] for name in _GROUP]
    sums = (
        sa.select(
            *keys,
            sa.func.count().label("permit_count"),
            sa.func.sum(expanded.c.valuation).label("job_value"),
            sa.func.sum(expanded.c.fees).label("fees"),
            sa.func.count(sa.distinct(expanded.c.contractor_id)).label("active_contractors"),
        )
        .group_by(*keys)
        .cte("sums")
    )
    approval = _median(expanded, "approval_days")
    construction = _median(expanded, "construction_days")

    def same_group(median: sa.CTE) -> sa.ColumnElement[bool]:
        return sa.and_(*(median.c[name] == sums.c[name] for name in _GROUP))

    rows = sa.select(
        *(sums.c[name] for name in _GROUP),
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
    columns = [*_GROUP, "months", "permit_count", "job_value", "fees"]
    columns += ["median_approval_days", "median_construction_days", "active_contractors"]
    conn.execute(sa.insert(place_metrics).from_select(columns, rows))


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


def _recompute_months(conn: Connection, months: Sequence[date]) -> None:
    month = permit_month(conn.dialect)
    monthly = place_metrics.c.months == 1
    conn.execute(sa.delete(place_metrics).where(monthly, place_metrics.c.month.in_(months)))
    _aggregate(conn, 1, month, month.in_(months))
    # the search ranks places by permits: recount the places these months hold
    totals = place_metrics.alias("totals")
    everything = sa.and_(totals.c.months == 1, totals.c.property_type == ALL, totals.c.tag == ALL)
    count = (
        sa.select(sa.func.coalesce(sa.func.sum(totals.c.permit_count), 0))
        .where(everything, totals.c.geo_id == places.c.geo_id)
        .scalar_subquery()
    )
    touched = sa.select(totals.c.geo_id).where(everything, totals.c.month.in_(months))
    conn.execute(sa.update(places).where(places.c.geo_id.in_(touched)).values(permit_count=count))


def _recompute_snapshot(conn: Connection, today: date) -> None:
    """The 12 months ending with the newest month that has permits (this month at most)."""
    conn.execute(sa.delete(place_metrics).where(place_metrics.c.months == SNAPSHOT_MONTHS))
    newest = conn.execute(
        sa.select(sa.func.max(place_metrics.c.month)).where(place_metrics.c.months == 1)
    ).scalar()
    if newest is None:
        return
    end = min(_as_date(newest), today.replace(day=1))
    start = shift(end, 1 - SNAPSHOT_MONTHS)
    month = permit_month(conn.dialect)
    _aggregate(conn, SNAPSHOT_MONTHS, sa.literal(end, sa.Date), month.between(start, end))


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
        _recompute_months(conn, months)
        _recompute_snapshot(conn, now.date())
    conn.execute(
        insert_or_update(conn.dialect, place_refreshes, ["dataset"], ["refreshed_through"]),
        {"dataset": dataset, "refreshed_through": newest},
    )
    return Refresh(places_read, months)
