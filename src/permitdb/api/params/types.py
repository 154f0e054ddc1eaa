"""Query-parameter types that accept exactly what /openapi.json says they accept.

Pydantic's lax mode reads ``updated_since=0.5`` as a Unix timestamp and ``issued_from=0`` as
1970-01-01, while the document promises ISO 8601 strings; and a ``Decimal`` is documented as
"a number or any string". These types refuse what the document does not describe, so a client
generated from it and the server agree on every value. ``tags`` and ``cursor`` only document
their pattern: their own parsers refuse the rest, with better messages than a failed pattern.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Final

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from permitdb.vocabulary import TAGS

_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_date(value: object) -> object:
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("expected a date as YYYY-MM-DD, e.g. 2026-03-01")
    return value


def _iso_datetime(value: object) -> object:
    if isinstance(value, str) and not _ISO_DATETIME.match(value):
        raise ValueError("expected an ISO 8601 date and time, e.g. 2026-03-01T00:00:00Z")
    return value


def _in_utc_range(value: datetime) -> datetime:
    """A time the store can compare: one that exists in UTC (a naive time is read as UTC).

    ``0001-01-01T00:00:00+14:00`` parses, but is a moment before year 1 in UTC, where Python's
    datetime (and so the conversion every query does) overflows.
    """
    if value.tzinfo is None:
        return value
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            "is outside the times a UTC timestamp can hold (years 1 to 9999 in UTC); "
            "give a time within them, e.g. 2026-03-01T00:00:00Z"
        ) from None
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime), AfterValidator(_in_utc_range)]
# Parsed as Decimal so money compares exactly; documented as what clients send: a JSON number.
Dollars = Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0})]

_TAG = "|".join(sorted(TAGS))


def _tag_list(sign: str) -> dict[str, str]:
    """Comma-separated tags (each with ``sign`` allowed before it), blanks and spaces skipped,
    at least one tag: exactly what params.permits splits (an empty value is refused)."""
    part, one = rf" *({sign}({_TAG}) *)?", rf" *{sign}({_TAG}) *"
    return {"type": "string", "pattern": rf"^({part},)*{one}(,{part})*$"}


# tags: '-tag' excludes; tags_any: at least one of them, so no exclusions
TagFilter = Annotated[str, WithJsonSchema(_tag_list("-?"))]
AnyTagFilter = Annotated[str, WithJsonSchema(_tag_list(""))]
# The alphabet of api.cursors (base64url, unpadded); a first page sends no cursor at all.
Cursor = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[A-Za-z0-9_-]+$"})]
# The shape of a real next_cursor; the server refuses it (400 invalid_cursor): it is signed.
CURSOR_EXAMPLE: Final = (
    "WyIyMDI2LTAzLTE2IiwiZTVkNWJlZTNlOThkNjExNTVhYmE4NGM2MTQ3ZDEyOTgiLCIzZjlhMWMwYjdkMmUiLCI4"
    "YzFmNGUyYTliN2Q2YzMwIl0"
)
