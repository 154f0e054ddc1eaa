"""What the permits table can hold, checked before a write so one record cannot fail a page.

SQLite stores any number in any column; PostgreSQL refuses a valuation beyond ``Numeric(16, 2)``
or housing units beyond a 32-bit integer and aborts the whole transaction. Checking the ranges
from the table's own column types makes both engines refuse the same records, with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import sqlalchemy as sa

from permitdb.canonical import FIELD_NAMES, PermitRecord
from permitdb.store.tables import permits

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


NUMERIC_LIMITS: Final[Mapping[str, Decimal]] = {
    name: limit for name in FIELD_NAMES if (limit := _limit(permits.c[name].type)) is not None
}


def out_of_range(record: PermitRecord) -> str | None:
    """Why the permits table cannot hold ``record``'s numbers, or None when it can."""
    for name, limit in NUMERIC_LIMITS.items():
        value = getattr(record, name)
        if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
            continue
        number = Decimal(value)
        if not number.is_finite() or abs(number) >= limit:
            return (
                f"{name} {value} is beyond what the permits table stores "
                f"(magnitude below {limit:,}); fix the value at the source or map the field "
                "with another converter in the catalog entry"
            )
    return None
