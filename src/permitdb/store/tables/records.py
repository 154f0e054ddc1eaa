"""The columns of a table that stores a canonical record dataclass one column per field
(contractor licences, parcels; ``store.records`` writes them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import UnionType
from typing import Any, Final, Literal, Union, get_args, get_origin, get_type_hints

from sqlalchemy import BigInteger, Boolean, Column, Date, Float, ForeignKey, Integer, String, Text

from permitdb.store.dialects import Json
from permitdb.store.tables.base import Money, UtcDateTime


def record_columns(record_type: type, *, not_null: frozenset[str]) -> list[Column[object]]:
    """One column per field of a canonical record dataclass, typed from its annotation.

    ``id`` is the primary key; the lists, the raw record and the flags are JSON; a ``Literal``
    (a vocabulary value) is a short string.
    """
    columns: list[Column[object]] = []
    for name, hint in get_type_hints(record_type).items():
        column_type = _column_type(name, hint)
        nullable = name not in not_null and name != "id"
        # the dataset a record came from is registered first, as for permits
        foreign = (ForeignKey("datasets.slug"),) if name == "dataset" else ()
        columns.append(
            Column(name, column_type, *foreign, primary_key=name == "id", nullable=nullable)
        )
    return columns


_SCALARS: Final[dict[type, object]] = {
    str: Text(),
    int: Integer(),
    float: Float(),
    bool: Boolean(),
    date: Date(),
    datetime: UtcDateTime(),
    Decimal: Money,
}
_WIDE_INTEGERS: Final = frozenset({"lot_size_sqft", "building_area_sqft"})


def _column_type(name: str, hint: object) -> Any:
    if name == "id":
        return String(40)
    args = [arg for arg in get_args(hint) if arg is not type(None)]
    base = args[0] if get_origin(hint) in (Union, UnionType) and len(args) == 1 else hint
    if get_origin(base) in (list, dict):
        return Json
    if get_origin(base) is Literal:
        return String(30)
    if name in ("jurisdiction", "dataset"):
        return String(100 if name == "jurisdiction" else 200)
    if base is int and name in _WIDE_INTEGERS:
        return BigInteger()
    if base in _SCALARS:
        return _SCALARS[base]
    raise TypeError(f"no column type for {name}: {hint!r}")
