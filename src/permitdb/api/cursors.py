"""Opaque signed cursors: the permit listing's keyset, and the browse lists' last key.

A cursor is base64url JSON of the position fields, a short hash of the query's filters and an
HMAC tag over both. The tag (server secret) makes any edit detectable; the filter hash catches
a cursor replayed with different filters (for the permit listing, the sort is one of them),
which would silently skip or repeat rows. Both cases are a 400 ``invalid_cursor`` telling the
caller to start over.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from permitdb.api.errors import InvalidCursor
from permitdb.store.permits import PermitQuery
from permitdb.store.sorts import SORTS, PermitKeyset, PermitSort, SortValue

_TAG_LENGTH = 16
# Not filters: the page size may change between pages, and a cursor continues past an offset.
_PAGING: Final = frozenset({"limit", "offset"})
Fields = list[str | None]


def digest(filters: Mapping[str, Any]) -> str:
    """Short, stable hash of a query's filters."""
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def filters_hash(query: PermitQuery) -> str:
    """Hash of every permit filter and the sort; page size and offset are left out."""
    return digest({k: v for k, v in dataclasses.asdict(query).items() if k not in _PAGING})


def _tag(payload: Fields, secret: str) -> str:
    message = json.dumps(payload, separators=(",", ":")).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_TAG_LENGTH]


def sign(position: Fields, filters: str, secret: str) -> str:
    """A cursor holding ``position`` for the query whose filter hash is ``filters``."""
    payload: Fields = [*position, filters]
    raw = json.dumps([*payload, _tag(payload, secret)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _fields(cursor: str, size: int | None) -> list[Any]:
    try:
        fields: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor() from exc
    shaped = isinstance(fields, list) and len(fields) > 2
    shaped = shaped and (size is None or len(fields) == size + 2)
    if not shaped or not all(isinstance(f, str) or f is None for f in fields):
        raise InvalidCursor()
    return list(fields)


def verify(cursor: str, size: int | None, filters: str, secret: str) -> Fields:
    """The position fields (``size`` of them, if given) of a cursor :func:`sign` wrote for
    these ``filters``."""
    fields = _fields(cursor, size)
    *payload, tag = fields
    if not isinstance(tag, str) or not hmac.compare_digest(tag, _tag(payload, secret)):
        raise InvalidCursor()
    if payload[-1] != filters:
        raise InvalidCursor(
            "This cursor was issued for different filters or another sort. Repeat the filters "
            "and sort of the request that returned it, or drop 'cursor' to start from the "
            "first page."
        )
    return payload[:-1]


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
    position: Fields = [keyset.sort, _value_text(keyset.value), keyset.id]
    return sign(position, filters_hash(query), secret)


def decode_cursor(cursor: str, query: PermitQuery, secret: str) -> PermitKeyset:
    """The keyset to continue from; :class:`InvalidCursor` when tampered or for other filters."""
    sort, value, permit_id = verify(cursor, 3, filters_hash(query), secret)
    if sort != query.sort:  # also in the filter hash; checked for a clear type below
        raise InvalidCursor()
    # The tag proves we wrote these values, so they have the shapes encode_cursor gave them.
    return PermitKeyset(sort=query.sort, value=_value(query.sort, value), id=str(permit_id))
