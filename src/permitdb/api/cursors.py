"""Opaque signed cursors for every paged listing: permits, the browse lists, a permit's
history, jurisdiction requests.

A cursor is base64url JSON of the position fields (where the page ended), a *scope* and an
HMAC tag over both. The tag (server secret; a previous one still verifies) makes any edit
detectable; the scope says which
listing the cursor belongs to (a hash of the query's filters, the sort among them for permits;
the permit whose history it pages), catching a cursor replayed elsewhere, which would silently
skip or repeat rows. Both cases are a 400 ``invalid_cursor`` telling the caller to start over.
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
from permitdb.settings import SigningSecrets
from permitdb.store.jurisdiction_requests import RequestKeyset
from permitdb.store.permit_changes import ChangeKeyset
from permitdb.store.permits import PermitQuery
from permitdb.store.sorts import SORTS, PermitKeyset, PermitSort, SortValue

_TAG_LENGTH = 16
# Not filters: the page size may change between pages, and a cursor continues past an offset.
_PAGING: Final = frozenset({"limit", "offset"})
Fields = list[str | None]
_OTHER_LISTING = (
    "This cursor was issued for {what}. Repeat the request that returned it, or drop "
    "'cursor' to start from the first page."
)


def digest(filters: Mapping[str, Any]) -> str:
    """Short, stable hash of a query's filters."""
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def filters_hash(query: PermitQuery) -> str:
    """Hash of every permit filter and the sort; page size and offset are left out."""
    return digest({k: v for k, v in dataclasses.asdict(query).items() if k not in _PAGING})


def _tag(payload: Fields, secret: str) -> str:  # one secret: SigningSecrets picks which
    message = json.dumps(payload, separators=(",", ":")).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_TAG_LENGTH]


def sign(position: Fields, scope: str, secret: SigningSecrets) -> str:
    """A cursor holding ``position`` for the listing named by ``scope`` (e.g. a filter hash)."""
    payload: Fields = [*position, scope]
    raw = json.dumps([*payload, _tag(payload, secret.current)], separators=(",", ":")).encode()
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


def verify(
    cursor: str,
    size: int | None,
    scope: str,
    secret: SigningSecrets,
    *,
    listing: str = "different filters or another sort",
) -> Fields:
    """The position fields (``size`` of them, if given) of a cursor :func:`sign` wrote for
    ``scope``; ``listing`` names what a cursor of another scope was meant for, for the message."""
    fields = _fields(cursor, size)
    *payload, tag = fields
    # A previous secret still verifies: cursors handed out before a rotation keep paging.
    if not isinstance(tag, str) or not any(
        hmac.compare_digest(tag, _tag(payload, one)) for one in secret.all()
    ):
        raise InvalidCursor()
    if payload[-1] != scope:
        raise InvalidCursor(_OTHER_LISTING.format(what=listing))
    return payload[:-1]


def _present(values: Fields) -> list[str]:
    """Values a keyset never leaves empty (the tag proves we wrote them, so this holds)."""
    present = [value for value in values if value is not None]
    if len(present) != len(values):
        raise InvalidCursor()
    return present


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


def encode_cursor(keyset: PermitKeyset, query: PermitQuery, secret: SigningSecrets) -> str:
    position: Fields = [keyset.sort, _value_text(keyset.value), keyset.id]
    return sign(position, filters_hash(query), secret)


def decode_cursor(cursor: str, query: PermitQuery, secret: SigningSecrets) -> PermitKeyset:
    """The keyset to continue from; :class:`InvalidCursor` when tampered or for other filters."""
    sort, value, permit_id = verify(cursor, 3, filters_hash(query), secret)
    if sort != query.sort:  # also in the filter hash; checked for a clear type below
        raise InvalidCursor()
    # The tag proves we wrote these values, so they have the shapes encode_cursor gave them.
    return PermitKeyset(sort=query.sort, value=_value(query.sort, value), id=str(permit_id))


def _history_scope(permit_id: str) -> str:
    return "history:" + hashlib.sha256(permit_id.encode()).hexdigest()[:12]


def encode_history_cursor(keyset: ChangeKeyset, permit_id: str, secret: SigningSecrets) -> str:
    return sign([keyset.observed_at.isoformat(), str(keyset.id)], _history_scope(permit_id), secret)


def decode_history_cursor(cursor: str, permit_id: str, secret: SigningSecrets) -> ChangeKeyset:
    scope = _history_scope(permit_id)
    fields = verify(cursor, 2, scope, secret, listing="another permit's history")
    observed_at, change_id = _present(fields)
    return ChangeKeyset(observed_at=datetime.fromisoformat(observed_at), id=int(change_id))


_REQUESTS_SCOPE = "jurisdiction-requests"


def encode_requests_cursor(keyset: RequestKeyset, secret: SigningSecrets) -> str:
    return sign([str(keyset.request_count), str(keyset.id)], _REQUESTS_SCOPE, secret)


def decode_requests_cursor(cursor: str, secret: SigningSecrets) -> RequestKeyset:
    fields = verify(cursor, 2, _REQUESTS_SCOPE, secret, listing="another listing")
    request_count, request_id = _present(fields)
    return RequestKeyset(request_count=int(request_count), id=int(request_id))
