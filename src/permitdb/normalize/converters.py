"""The catalog's named converters (``catalog.model.Converter``), and which one a field needs.

A canonical field's type decides its converter family: a ``date`` field is always read by the
date converter, a ``Decimal`` field by money, and so on; a catalog's ``convert:`` chooses within
the text family (``text``/``upper``/``phone``/``url``). So ``issued_date: issue_date`` (the
short form, whose default converter is ``text``) still yields a date. Converters raise ValueError;
``fieldmap`` turns that into a RecordRejected with the converter's reject code.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

import orjson

from permitdb.canonical import MAPPABLE_BY_KIND, LicenseRecord, ParcelRecord, PermitRecord
from permitdb.catalog.model import Converter
from permitdb.normalize.dates import parse_date, parse_datetime
from permitdb.normalize.geo import parse_point
from permitdb.normalize.money import parse_integer, parse_money, parse_number
from permitdb.vocabulary import RecordKind

Convert = Callable[[Any], Any]
_NON_DIGIT = re.compile(r"\D")
_TEXT_FAMILY: Final = frozenset({"text", "upper", "phone", "url"})
_NATURAL_BY_TYPE: Final[dict[type, Converter]] = {
    datetime: "datetime",  # before date: datetime is a date subclass, so test it first
    date: "date",
    Decimal: "money",
    int: "integer",
    float: "number",
    str: "text",
}
REJECT_CODE: Final[dict[Converter, str]] = {
    "date": "unparseable_date",
    "datetime": "unparseable_date",
    "money": "unparseable_money",
    "integer": "unparseable_number",
    "number": "unparseable_number",
    "point": "unparseable_point",
}


def converter_for(field: str, named: Converter) -> Converter:
    """The converter that fills ``field``: its type's own, or ``named`` within the text family."""
    natural = NATURAL_CONVERTER[field]
    if natural == "text" and named in _TEXT_FAMILY:
        return named
    return natural


def build(name: Converter, tz: ZoneInfo, fmt: str | None) -> Convert:
    """A one-argument converter for a present, non-empty value."""
    if name == "date":
        return lambda value: parse_date(value, tz, fmt)
    if name == "datetime":
        return lambda value: parse_datetime(value, tz, fmt)
    simple: dict[Converter, Convert] = {
        "text": to_text,
        "upper": lambda value: _upper(to_text(value)),
        "money": parse_money,
        "integer": parse_integer,
        "number": parse_number,
        "phone": to_phone,
        "point": parse_point,
        "url": to_url,
    }
    return simple[name]


def to_text(value: Any) -> str | None:
    """Trimmed text; integral floats lose their ``.0`` (ArcGIS sends ids as doubles).

    NUL characters are dropped: no text field means one, and PostgreSQL cannot store them.
    """
    if isinstance(value, str):
        return value.replace("\x00", "").strip() or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return str(value).strip() or None


def to_phone(value: Any) -> str | None:
    """``(NNN) NNN-NNNN`` when US-shaped, else the digits; None when there are none.

    Never a reason to quarantine a permit: contact fields hold "N/A", redaction markers and
    extensions, and the raw value stays in ``raw``.
    """
    digits = _NON_DIGIT.sub("", str(value))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits or None


def to_url(value: Any) -> str | None:
    """A URL string, or the ``url`` member of Socrata's ``{"url": ...}`` object."""
    if isinstance(value, dict):
        value = value.get("url")
    return to_text(value) if value is not None else None


def _upper(text: str | None) -> str | None:
    return text.upper() if text is not None else None


def _natural_converters() -> dict[str, Converter]:
    """Field -> converter, over every kind's record: a name means one type in all of them
    (``stories`` is an int in a permit and in a parcel), so one table serves every kind. A
    type no converter reads (a bool) has no entry."""
    records: dict[RecordKind, type] = {
        "permits": PermitRecord,
        "contractor_licenses": LicenseRecord,
        "parcels": ParcelRecord,
    }
    natural: dict[str, Converter] = {"location": "point"}
    for kind, record in records.items():
        hints = typing.get_type_hints(record)
        for name in MAPPABLE_BY_KIND[kind] - {"location"}:
            members = [t for t in typing.get_args(hints[name]) if t is not type(None)]
            found = next(
                (conv for t, conv in _NATURAL_BY_TYPE.items() if t in (members or [hints[name]])),
                None,
            )
            if found is not None:
                natural[name] = found
    return natural


NATURAL_CONVERTER: Final = _natural_converters()
