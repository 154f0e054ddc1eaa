"""Opaque keyset cursors for the permit listing.

A cursor is base64url JSON of the last row's ``(issued_date, id)``, a short hash of the
query's filters and an HMAC tag over both. The tag (server secret) makes any edit detectable;
the filter hash catches a cursor replayed with different filters, which would silently skip or
repeat rows. Both cases are a 400 ``invalid_cursor`` telling the caller to start over.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
from datetime import date
from typing import Any

from permitdb.api.errors import InvalidCursor
from permitdb.store.permits import PermitKeyset, PermitQuery

_TAG_LENGTH = 16


def filters_hash(query: PermitQuery) -> str:
    """Short, stable hash of every filter; ``limit`` is left out so page size may change."""
    filters = {k: v for k, v in dataclasses.asdict(query).items() if k != "limit"}
    canonical = json.dumps(filters, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _tag(payload: list[Any], secret: str) -> str:
    message = json.dumps(payload, separators=(",", ":")).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_TAG_LENGTH]


def encode_cursor(keyset: PermitKeyset, query: PermitQuery, secret: str) -> str:
    issued = keyset.issued_date.isoformat() if keyset.issued_date else None
    payload: list[Any] = [issued, keyset.id, filters_hash(query)]
    raw = json.dumps([*payload, _tag(payload, secret)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _fields(cursor: str) -> list[Any]:
    try:
        fields: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor() from exc
    shaped = isinstance(fields, list) and len(fields) == 4
    if not shaped or not all(isinstance(f, str) or f is None for f in fields):
        raise InvalidCursor()
    return list(fields)


def decode_cursor(cursor: str, query: PermitQuery, secret: str) -> PermitKeyset:
    """The keyset to continue from; :class:`InvalidCursor` when tampered or for other filters."""
    issued, permit_id, hashed, tag = _fields(cursor)
    if not isinstance(tag, str) or not hmac.compare_digest(
        tag, _tag([issued, permit_id, hashed], secret)
    ):
        raise InvalidCursor()
    if hashed != filters_hash(query):
        raise InvalidCursor(
            "This cursor was issued for different filters. Repeat the filters of the request "
            "that returned it, or drop 'cursor' to start from the first page."
        )
    # The tag proves we wrote these values, so they have the shapes encode_cursor gave them.
    return PermitKeyset(issued_date=date.fromisoformat(issued) if issued else None, id=permit_id)
