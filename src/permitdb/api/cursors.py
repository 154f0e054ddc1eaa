"""Opaque keyset cursors for every paged listing: permits, a permit's history, requests.

A cursor is base64url JSON of where the page ended (the last row's sort key), a *scope* and an
HMAC tag over both. The tag (server secret) makes any edit detectable; the scope says which
listing the cursor belongs to (a hash of the permit query's filters, the permit whose history
it pages), catching a cursor replayed elsewhere, which would silently skip or repeat rows.
Both cases are a 400 ``invalid_cursor`` telling the caller to start over.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from permitdb.api.errors import InvalidCursor
from permitdb.store.jurisdiction_requests import RequestKeyset
from permitdb.store.permit_changes import ChangeKeyset
from permitdb.store.permits import PermitKeyset, PermitQuery

_TAG_LENGTH = 16
_OTHER_LISTING = (
    "This cursor was issued for {what}. Repeat the request that returned it, or drop "
    "'cursor' to start from the first page."
)


def filters_hash(query: PermitQuery) -> str:
    """Short, stable hash of every filter; ``limit`` is left out so page size may change."""
    filters = {k: v for k, v in dataclasses.asdict(query).items() if k != "limit"}
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _tag(payload: list[Any], secret: str) -> str:
    message = json.dumps(payload, separators=(",", ":")).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_TAG_LENGTH]


def sign_keyset(values: Sequence[str | None], scope: str, secret: str) -> str:
    """The cursor for a page that ended at ``values`` in the listing named by ``scope``."""
    payload: list[Any] = [*values, scope]
    raw = json.dumps([*payload, _tag(payload, secret)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _fields(cursor: str, length: int) -> list[Any]:
    try:
        fields: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor() from exc
    shaped = isinstance(fields, list) and len(fields) == length + 2
    if not shaped or not all(isinstance(f, str) or f is None for f in fields):
        raise InvalidCursor()
    return list(fields)


def verify_keyset(
    cursor: str, scope: str, secret: str, *, length: int, listing: str
) -> list[str | None]:
    """The ``length`` values :func:`sign_keyset` signed; :class:`InvalidCursor` when edited or
    issued for another scope (``listing`` names what it was meant for, for the message)."""
    *values, signed_scope, tag = _fields(cursor, length)
    if not isinstance(tag, str) or not hmac.compare_digest(
        tag, _tag([*values, signed_scope], secret)
    ):
        raise InvalidCursor()
    if signed_scope != scope:
        raise InvalidCursor(_OTHER_LISTING.format(what=listing))
    return values


def _present(values: list[str | None]) -> list[str]:
    """Values a keyset never leaves empty (the tag proves we wrote them, so this holds)."""
    present = [value for value in values if value is not None]
    if len(present) != len(values):
        raise InvalidCursor()
    return present


# The tag proves we wrote the values below, so they have the shapes the encoders gave them.


def encode_cursor(keyset: PermitKeyset, query: PermitQuery, secret: str) -> str:
    issued = keyset.issued_date.isoformat() if keyset.issued_date else None
    return sign_keyset([issued, keyset.id], filters_hash(query), secret)


def decode_cursor(cursor: str, query: PermitQuery, secret: str) -> PermitKeyset:
    """The keyset to continue from; :class:`InvalidCursor` when tampered or for other filters."""
    issued, permit_id = verify_keyset(
        cursor, filters_hash(query), secret, length=2, listing="different filters"
    )
    (permit_id,) = _present([permit_id])
    return PermitKeyset(issued_date=date.fromisoformat(issued) if issued else None, id=permit_id)


def _history_scope(permit_id: str) -> str:
    return "history:" + hashlib.sha256(permit_id.encode()).hexdigest()[:12]


def encode_history_cursor(keyset: ChangeKeyset, permit_id: str, secret: str) -> str:
    values = [keyset.observed_at.isoformat(), str(keyset.id)]
    return sign_keyset(values, _history_scope(permit_id), secret)


def decode_history_cursor(cursor: str, permit_id: str, secret: str) -> ChangeKeyset:
    observed_at, change_id = _present(
        verify_keyset(
            cursor, _history_scope(permit_id), secret, length=2, listing="another permit's history"
        )
    )
    return ChangeKeyset(observed_at=datetime.fromisoformat(observed_at), id=int(change_id))


_REQUESTS_SCOPE = "jurisdiction-requests"


def encode_requests_cursor(keyset: RequestKeyset, secret: str) -> str:
    values = [str(keyset.request_count), str(keyset.id)]
    return sign_keyset(values, _REQUESTS_SCOPE, secret)


def decode_requests_cursor(cursor: str, secret: str) -> RequestKeyset:
    request_count, request_id = _present(
        verify_keyset(cursor, _REQUESTS_SCOPE, secret, length=2, listing="another listing")
    )
    return RequestKeyset(request_count=int(request_count), id=int(request_id))
