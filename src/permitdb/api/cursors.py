"""Opaque keyset cursors for the permit listing.

A cursor is base64url JSON of the sort, the last row's sort value and id, a short hash of the
query's filters (the sort among them) and an HMAC tag over all of it. The tag (server secret)
makes any edit detectable; the filter hash catches a cursor replayed with different filters or
another sort, which would silently skip or repeat rows. Both cases are a 400 ``invalid_cursor``
telling the caller to start over.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from permitdb.api.errors import InvalidCursor
from permitdb.store.permits import PermitQuery
from permitdb.store.sorts import SORTS, PermitKeyset, PermitSort, SortValue

_TAG_LENGTH = 16
_FIELDS: Final = 5  # sort, value, id, filters hash, tag
# Not filters: the page size may change between pages, and a cursor continues past an offset.
_PAGING: Final = frozenset({"limit", "offset"})


def filters_hash(query: PermitQuery) -> str:
    """Short, stable hash of every filter and the sort; page size and offset are left out."""
    filters = {k: v for k, v in dataclasses.asdict(query).items() if k not in _PAGING}
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _tag(payload: list[Any], secret: str) -> str:
    message = json.dumps(payload, separators=(",", ":")).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_TAG_LENGTH]


def _value_text(value: SortValue) -> str | None:
    if value is None:
        return None
    return str(value) if isinstance(value, Decimal) else value.isoformat()


def _value(sort: PermitSort, text: str | None) -> SortValue:
    value_type = SORTS[sort].value_type
    if text is None:
        return None
    if value_type is Decimal:
        return Decimal(text)
    if value_type is datetime:
        return datetime.fromisoformat(text)
    return date.fromisoformat(text)


def encode_cursor(keyset: PermitKeyset, query: PermitQuery, secret: str) -> str:
    payload: list[Any] = [keyset.sort, _value_text(keyset.value), keyset.id, filters_hash(query)]
    raw = json.dumps([*payload, _tag(payload, secret)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _fields(cursor: str) -> list[Any]:
    try:
        fields: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor() from exc
    shaped = isinstance(fields, list) and len(fields) == _FIELDS
    if not shaped or not all(isinstance(f, str) or f is None for f in fields):
        raise InvalidCursor()
    return list(fields)


def decode_cursor(cursor: str, query: PermitQuery, secret: str) -> PermitKeyset:
    """The keyset to continue from; :class:`InvalidCursor` when tampered or for other filters."""
    *payload, tag = _fields(cursor)
    if not isinstance(tag, str) or not hmac.compare_digest(tag, _tag(payload, secret)):
        raise InvalidCursor()
    sort, value, permit_id, hashed = payload
    if sort != query.sort or hashed != filters_hash(query):
        raise InvalidCursor(
            "This cursor was issued for different filters or another sort. Repeat the filters "
            "and sort of the request that returned it, or drop 'cursor' to start from the "
            "first page."
        )
    # The tag proves we wrote these values, so they have the shapes encode_cursor gave them.
    return PermitKeyset(sort=query.sort, value=_value(query.sort, value), id=permit_id)
