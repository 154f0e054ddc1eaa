"""The set-based SQL of the place rollups (``store.place_metrics`` decides what to rewrite):
the permits in a scope joined to their places, each row counted under the permit's property
type and ``all`` and under each of its tags and ``all``, then grouped into counts, sums,
medians (by row number: the same SQL on SQLite and PostgreSQL) and distinct contractors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store import place_index
from permitdb.store.dialects import days_between
from permitdb.store.parcels import joined_property_type
from permitdb.store.tables import permit_tags, permits, place_metrics, places

ALL: Final = "all"  # the property_type and tag of rows over every value
_GROUP: Final = ("geo_id", "month", "property_type", "tag")
# what each (permit, place, property type, tag) row carries to be summed and ranked
_MEASURED: Final = ("valuation", "fees", "approval_days", "construction_days", "contractor_id")


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
            joined_property_type(permits).label("property_type"),
            *place_index.PLACE_COLUMNS[:-1],
        )
        .where(c.record_class == "permit", *where)
        .cte("base")
    )


def geo_ids(base: sa.CTE, only: sa.Select[Any] | None = None, name: str = "geos") -> sa.CTE:
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


def _expanded(conn: Connection, period: Any, scope: RollupScope) -> sa.CTE:
    """One row per (permit, geo_id, its property type or all, tag or all) of the permits in
    scope."""
    base = _base(conn.dialect, period, scope.where)
    geos = geo_ids(base, scope.geos)
    tags = sa.union_all(
        sa.select(base.c.seq, sa.literal(ALL, sa.String).label("tag")),
        sa.select(permit_tags.c.permit_seq, permit_tags.c.tag).join(
            base, base.c.seq == permit_tags.c.permit_seq
        ),
    ).cte("tags")
    placed = (
        sa.select(
            geos.c.geo_id,
            base.c.month,
            base.c.property_type,
            tags.c.tag,
            *(base.c[name] for name in _MEASURED),
        )
        .select_from(base.join(geos, geos.c.seq == base.c.seq).join(tags, tags.c.seq == base.c.seq))
        .cte("placed")
    )
    # each row once more under "all": a union of the joined rows, not one more join, so the
    # plan stays the one without property types (a join on permits again multiplied it);
    # only in the places and months of more than one property type: elsewhere (every place
    # of a city without parcels) the "all" rows are copies of the one type's (_copy_all)
    mixed = (
        sa.select(geos.c.geo_id, base.c.month)
        .join(base, base.c.seq == geos.c.seq)
        .group_by(geos.c.geo_id, base.c.month)
        .having(sa.func.count(sa.distinct(base.c.property_type)) > 1)
    )
    every_type = sa.literal(ALL, sa.String).label("property_type")
    others = [placed.c[name] for name in ("tag", *_MEASURED)]
    return sa.union_all(
        sa.select(placed.c.geo_id, placed.c.month, every_type, *others).where(
            sa.tuple_(placed.c.geo_id, placed.c.month).in_(mixed)
        ),
        sa.select(placed.c.geo_id, placed.c.month, placed.c.property_type, *others),
    ).cte("expanded")


def _copy_all(conn: Connection, months: int, periods: sa.ColumnElement[bool]) -> None:
    """The "all" rows of the groups of one property type: a copy of that type's row (the
    same permits). Every other group already has its "all" row, so the groups without one
    are those just written, without testing the scope again."""
    m = place_metrics.c
    every = place_metrics.alias("every")
    same_group = sa.and_(
        *(every.c[name] == m[name] for name in ("geo_id", "months", "month", "tag")),
        every.c.property_type == ALL,
    )
    columns = [name for name in _COLUMNS if name != "property_type"]
    alone = sa.select(*(m[name] for name in columns), sa.literal(ALL, sa.String)).where(
        m.months == months, periods, m.property_type != ALL, ~sa.exists().where(same_group)
    )
    conn.execute(sa.insert(place_metrics).from_select([*columns, "property_type"], alone))


def _median(expanded: sa.CTE, sums: sa.CTE, column: str) -> sa.CTE:
    """Per group, the median of ``column`` (the mean of the middle two for an even count):
    the values ranked in one window pass, their count taken from ``sums``."""
    keys = [expanded.c[name] for name in _GROUP]
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
    group = [ranked.c[name] for name in _GROUP]
    return (
        sa.select(*group, sa.func.avg(ranked.c.value).label("median"))
        .join(sums, sa.and_(*(sums.c[name] == ranked.c[name] for name in _GROUP)))
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
class RollupScope:
    """Which permits a recompute reads, and which places' rows it rewrites (None: all)."""

    where: tuple[sa.ColumnElement[bool], ...]
    geos: sa.Select[Any] | None

    def rows(self, months: int) -> list[sa.ColumnElement[bool]]:
        """The rollup rows this scope rewrites, of the given period length."""
        m = place_metrics.c
        where = [m.months == months]
        return where if self.geos is None else [*where, m.geo_id.in_(self.geos)]


def aggregate(
    conn: Connection, months: int, period: Any, scope: RollupScope, periods: sa.ColumnElement[bool]
) -> None:
    """Replace the rollup rows of ``scope`` in ``periods`` (a test of ``place_metrics.month``)
    with those of its permits, grouped by ``period``."""
    conn.execute(sa.delete(place_metrics).where(*scope.rows(months), periods))
    expanded = _expanded(conn, period, scope)
    keys = [expanded.c[name] for name in _GROUP]
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
        return sa.and_(*(median.c[name] == sums.c[name] for name in _GROUP))

    rows = sa.select(
        sums.c.geo_id,
        sums.c.month,
        sums.c.property_type,
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
    _copy_all(conn, months, periods)
