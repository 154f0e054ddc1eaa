"""Query-parameter types that accept exactly what /openapi.json says they accept.

Pydantic's lax mode reads ``updated_since=0.5`` as a Unix timestamp and ``issued_from=0`` as
1970-01-01, while the document promises ISO 8601 strings; and a ``Decimal`` is documented as
"a number or any string". These types refuse what the document does not describe, so a client
generated from it and the server agree on every value. ``tags`` and ``cursor`` only document
their pattern: their own parsers refuse the rest, with better messages than a failed pattern.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Final

from pydantic import BeforeValidator, WithJsonSchema

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


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime)]
# Parsed as Decimal so money compares exactly; documented as what clients send: a JSON number.
Dollars = Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0})]

_TAG = "|".join(sorted(TAGS))
_TAG_PART = rf" *(-?({_TAG}) *)?"
# Exactly what params.permits._split_tags accepts: comma-separated tags, '-' excludes, blanks
# and spaces skipped.
TagFilter = Annotated[
    str, WithJsonSchema({"type": "string", "pattern": rf"^{_TAG_PART}(,{_TAG_PART})*$"})
]
# The alphabet of api.cursors.encode_cursor (base64url, unpadded); empty is the first page.
Cursor = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[A-Za-z0-9_-]*$"})]
