"""The permit listing's sort orders, and the keyset ranges that page each of them.

Every order is one column with NULLs last, ties broken by ``id`` in the same direction. Each
column has one index ``(column DESC NULLS LAST, id DESC)`` (``store.tables``): a ``_desc``
order reads it forwards, an ``_asc`` order backwards, which puts NULLs first; so an ascending
listing reads its non-NULL rows and then its NULL rows as two ranges, each straight off the
index, and never sorts.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal, get_args

import sqlalchemy as sa

from permitdb.canonical import PermitRecord
from permitdb.store.tables import permits

PermitSort = Literal[
    "issued_desc",
    "issued_asc",
    "filed_desc",
    "filed_asc",
    "finaled_desc",
    "finaled_asc",
    "valuation_desc",
    "valuation_asc",
    "updated_desc",
    "updated_asc",
]
DEFAULT_SORT: Final[PermitSort] = "issued_desc"
SortValue = date | Decimal | datetime | None

# sort name without its direction -> (column, type of its values)
_COLUMNS: Final[dict[str, tuple[sa.Column[Any], type[date | Decimal | datetime]]]] = {
    "issued": (permits.c.issued_date, date),
    "filed": (permits.c.applied_date, date),
    "finaled": (permits.c.finaled_date, date),
    "valuation": (permits.c.valuation, Decimal),
    "updated": (permits.c.updated_at, datetime),
}


@dataclass(frozen=True, slots=True)
class SortOrder:
    column: sa.Column[Any]
    value_type: type[date | Decimal | datetime]
    descending: bool


SORTS: Final[dict[PermitSort, SortOrder]] = {
    name: SortOrder(*_COLUMNS[name.rpartition("_")[0]], descending=name.endswith("_desc"))
    for name in get_args(PermitSort)
}


@dataclass(frozen=True, slots=True)
class PermitKeyset:
    """Where a listing page ended: the last row's sort value and id, in the order ``sort``."""

    sort: PermitSort
    value: SortValue
    id: str


def keyset_of(sort: PermitSort, record: PermitRecord) -> PermitKeyset:
    value: SortValue = getattr(record, SORTS[sort].column.name)
    return PermitKeyset(sort, value, record.id)


def scan_order(sort: PermitSort) -> tuple[sa.UnaryExpression[Any], sa.UnaryExpression[Any]]:
    """ORDER BY of one range: the column's index order, or exactly its reverse."""
    order = SORTS[sort]
    if order.descending:
        return order.column.desc().nulls_last(), permits.c.id.desc()
    return order.column.asc().nulls_first(), permits.c.id.asc()


def ranges_after(sort: PermitSort, after: PermitKeyset | None) -> list[sa.ColumnElement[bool]]:
    """What follows ``after`` in order ``sort``, as ranges each read straight off the index."""
    order = SORTS[sort]
    position = None if after is None else (after.value, after.id)
    return keyset_ranges(order.column, permits.c.id, descending=order.descending, after=position)


def keyset_ranges(
    column: sa.ColumnElement[Any],
    row_id: sa.ColumnElement[Any],
    *,
    descending: bool,
    after: tuple[Any, Any] | None,
) -> list[sa.ColumnElement[bool]]:
    """What follows ``after`` (a row's (value, id)) in ``column`` order, NULLs last, ties by
    ``row_id`` in the same direction: ranges each read straight off a ``(column, id)`` index.

    One OR over "further value, same value and further id, or no value" would be the same set,
    but neither engine reads an OR as one index range, so deep pages would rescan from the top.
    """
    beyond = operator.lt if descending else operator.gt
    at_or_beyond = operator.le if descending else operator.ge
    if after is None:
        # descending reads NULLs last already; ascending would read them first
        return [sa.true()] if descending else [column.is_not(None), column.is_(None)]
    value, last_id = after
    if value is None:
        return [sa.and_(column.is_(None), beyond(row_id, last_id))]
    return [
        sa.and_(
            at_or_beyond(column, value),
            sa.or_(beyond(column, value), beyond(row_id, last_id)),
        ),
        column.is_(None),
    ]
