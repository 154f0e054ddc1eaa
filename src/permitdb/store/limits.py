"""What a record table can hold, checked before a write so one record cannot fail a page.

SQLite stores any number in any column; PostgreSQL refuses a valuation beyond ``Numeric(16, 2)``
or housing units beyond a 32-bit integer and aborts the whole transaction. Checking the ranges
from the table's own column types makes both engines refuse the same records, with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from functools import cache
from typing import Any, Final

import sqlalchemy as sa

_INTEGER_LIMITS: Final = {sa.SmallInteger: 2**15, sa.Integer: 2**31, sa.BigInteger: 2**63}


def _limit(column_type: sa.types.TypeEngine[object]) -> Decimal | None:
    """The smallest magnitude a column cannot hold, or None when it holds no numbers."""
    if isinstance(column_type, sa.Numeric) and column_type.precision is not None:
        return Decimal(10) ** (column_type.precision - (column_type.scale or 0))
    # BigInteger and SmallInteger subclass Integer: the most specific class wins
    for kind in reversed(list(_INTEGER_LIMITS)):
        if isinstance(column_type, kind):
            return Decimal(_INTEGER_LIMITS[kind])
    return None


@cache
def numeric_limits(table: sa.Table, record_type: type[Any]) -> Mapping[str, Decimal]:
    """Field name -> the smallest magnitude its column in ``table`` cannot hold."""
    names = (field.name for field in fields(record_type))
    return {name: limit for name in names if (limit := _limit(table.c[name].type)) is not None}


def out_of_range(record: Any, table: sa.Table) -> str | None:
    """Why ``table`` cannot hold ``record``'s numbers (a canonical record dataclass whose fields
    are columns of the table), or None when it can."""
    record_type: Any = type(record)  # a dataclass type: hashable, as the cache needs
    for name, limit in numeric_limits(table, record_type).items():
        value = getattr(record, name)
        if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
            continue
        number = Decimal(value)
        if not number.is_finite() or abs(number) >= limit:
            return (
                f"{name} {value} is beyond what the {table.name} table stores "
                f"(magnitude below {limit:,}); fix the value at the source or map the field "
                "with another converter in the catalog entry"
            )
    return None
