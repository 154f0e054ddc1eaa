"""Opaque signed cursors for every paged listing: permits, the browse lists, a permit's
history, jurisdiction requests.

A cursor is base64url JSON of the position fields (where the page ended), a *scope* and an
HMAC tag over both. The tag (server secret; a previous one still verifies) makes any edit
detectable; the scope says which
listing the cursor belongs to (a hash of the query's filters, the sort among them for permits;
the permit whose history it pages), catching a cursor replayed elsewhere, which would silently
skip or repeat rows. Both cases are a 400 ``invalid_cursor`` telling the caller to start over.

A valid tag proves only that someone holding the secret signed the cursor, and the secret may
be the published development default: every value is parsed as untrusted text (its type, its
range, no control characters), so a forged cursor is a 400 too, never a crash or a query the
database refuses.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar, cast

from permitdb.api.errors import InvalidCursor
from permitdb.settings import SigningSecrets
from permitdb.store.contractor_queries import ContractorKeyset, ContractorQuery
from permitdb.store.jurisdiction_requests import RequestKeyset
from permitdb.store.permit_changes import ChangeKeyset
from permitdb.store.permits import PermitQuery
from permitdb.store.sorts import SORTS, PermitKeyset, PermitSort, SortValue
from permitdb.store.tables import Money

_TAG_LENGTH = 16
# Real cursors are under 200 characters; a longer one is not ours, and need not be decoded.
MAX_CURSOR_LENGTH: Final = 1000
# The largest id either engine's BIGINT holds, and the bound of a stored amount of money: a
# keyset value beyond either was never stored, and PostgreSQL would refuse to compare it.
_MAX_ID: Final = 2**63 - 1
_MONEY_BOUND: Final = Decimal(10) ** (cast(int, Money.precision) - cast(int, Money.scale))
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
T = TypeVar("T")
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
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
    try:
        fields: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError) as exc:  # "[[[[…" nests too deep
        raise InvalidCursor() from exc
    shaped = isinstance(fields, list) and len(fields) > 2
    shaped = shaped and (size is None or len(fields) == size + 2)
    if not shaped or not all(f is None or (isinstance(f, str) and _plain(f)) for f in fields):
        raise InvalidCursor()
    return list(fields)


def _plain(text: str) -> bool:
    """No control character (no value we write holds one; PostgreSQL refuses a NUL)."""
    return _CONTROL.search(text) is None


def _parsed(parse: Callable[[str], T], text: str) -> T:
    """``parse(text)``, or :class:`InvalidCursor` for text no cursor of ours holds."""
    try:
        return parse(text)
    except (ValueError, ArithmeticError) as exc:  # decimal.InvalidOperation is arithmetic
        raise InvalidCursor() from exc


def _finite_decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite() or abs(value) >= _MONEY_BOUND:
        raise ValueError("not an amount of money we store")
    return value


def _aware_datetime(text: str) -> datetime:
    """A time with its offset, as :meth:`datetime.isoformat` wrote it for a stored UTC time."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("no UTC offset")
    value.astimezone(UTC)  # OverflowError (arithmetic) for a moment outside years 1-9999
    return value


def _row_id(text: str) -> int:
    value = int(text)
    if not 0 <= value <= _MAX_ID:
        raise ValueError("outside BIGINT")
    return value


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
    """Values a keyset never leaves empty."""
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
        return _parsed(_finite_decimal, text)
    if value_type is datetime:
        return _parsed(_aware_datetime, text)
    return _parsed(date.fromisoformat, text)


def encode_cursor(keyset: PermitKeyset, query: PermitQuery, secret: SigningSecrets) -> str:
    position: Fields = [keyset.sort, _value_text(keyset.value), keyset.id]
    return sign(position, filters_hash(query), secret)


def decode_cursor(cursor: str, query: PermitQuery, secret: SigningSecrets) -> PermitKeyset:
    """The keyset to continue from; :class:`InvalidCursor` when tampered or for other filters."""
    sort, value, permit_id = verify(cursor, 3, filters_hash(query), secret)
    if sort != query.sort or permit_id is None:  # the sort is in the filter hash too
        raise InvalidCursor()
    return PermitKeyset(sort=query.sort, value=_value(query.sort, value), id=permit_id)


def _history_scope(permit_id: str) -> str:
    return "history:" + hashlib.sha256(permit_id.encode()).hexdigest()[:12]


def encode_history_cursor(keyset: ChangeKeyset, permit_id: str, secret: SigningSecrets) -> str:
    return sign([keyset.observed_at.isoformat(), str(keyset.id)], _history_scope(permit_id), secret)


def decode_history_cursor(cursor: str, permit_id: str, secret: SigningSecrets) -> ChangeKeyset:
    scope = _history_scope(permit_id)
    fields = verify(cursor, 2, scope, secret, listing="another permit's history")
    observed_at, change_id = _present(fields)
    return ChangeKeyset(
        observed_at=_parsed(_aware_datetime, observed_at), id=_parsed(_row_id, change_id)
    )


_REQUESTS_SCOPE = "jurisdiction-requests"


def encode_requests_cursor(keyset: RequestKeyset, secret: SigningSecrets) -> str:
    return sign([str(keyset.request_count), str(keyset.id)], _REQUESTS_SCOPE, secret)


def decode_requests_cursor(cursor: str, secret: SigningSecrets) -> RequestKeyset:
    fields = verify(cursor, 2, _REQUESTS_SCOPE, secret, listing="another listing")
    request_count, request_id = _present(fields)
    return RequestKeyset(
        request_count=_parsed(_row_id, request_count), id=_parsed(_row_id, request_id)
    )


def _contractors_scope(query: ContractorQuery) -> str:
    filters = {k: v for k, v in dataclasses.asdict(query).items() if k not in _PAGING}
    return "contractors:" + digest(filters)


def encode_contractor_cursor(
    keyset: ContractorKeyset, query: ContractorQuery, secret: SigningSecrets
) -> str:
    last = keyset.last_permit_date.isoformat() if keyset.last_permit_date else None
    return sign([last, keyset.id], _contractors_scope(query), secret)


def decode_contractor_cursor(
    cursor: str, query: ContractorQuery, secret: SigningSecrets
) -> ContractorKeyset:
    last, contractor_id = verify(cursor, 2, _contractors_scope(query), secret)
    if contractor_id is None:
        raise InvalidCursor()
    day = None if last is None else _parsed(date.fromisoformat, last)
    return ContractorKeyset(last_permit_date=day, id=contractor_id)
