"""API-key authentication as typed dependencies: ``key: PermitsRead`` in a route signature.

The key comes from ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. A key with the
wrong shape or checksum is refused before any database lookup; a well-formed one is looked up
by its HMAC hash (the key itself is never stored or logged). ``last_used_at`` is written at most
once a minute per key, so busy keys do not turn every read into a write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Final

from fastapi import Depends
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from permitdb.api.errors import InsufficientScope, InvalidApiKey, MissingApiKey
from permitdb.api.keys import hash_api_key, is_well_formed
from permitdb.api.state import Conn, State
from permitdb.store.api_keys import ApiKeyRow, find_active_key, touch_api_key

SCOPES: Final = ("permits:read",)
TOUCH_INTERVAL: Final = timedelta(minutes=1)

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer pdb_live_…")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: pdb_live_…")


def presented_key(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> str | None:
    if bearer is not None:
        return bearer.credentials.strip()
    return header.strip() if header else None


def _used_recently(row: ApiKeyRow, now: datetime) -> bool:
    last = row.last_used_at
    if last is None:
        return False
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return now - last < TOUCH_INTERVAL


def require_scope(scope: str) -> Callable[..., ApiKeyRow]:
    """A dependency that admits an active key holding ``scope`` and returns its row."""

    def dependency(
        conn: Conn, state: State, key: Annotated[str | None, Depends(presented_key)]
    ) -> ApiKeyRow:
        if not key:
            raise MissingApiKey()
        if not is_well_formed(key):
            raise InvalidApiKey(
                "The API key is malformed (permitdb keys look like pdb_live_<32 characters>_"
                "<6 characters>). Check that you copied the whole key."
            )
        row = find_active_key(conn, hash_api_key(key, state.settings.secret_key.get_secret_value()))
        if row is None:
            raise InvalidApiKey()
        if scope not in row.scopes:
            raise InsufficientScope(
                f"This API key lacks the '{scope}' scope. Ask the operator for a key created "
                f"with 'permitdb keys create --scope {scope}'."
            )
        now = datetime.now(UTC)
        if not _used_recently(row, now):
            touch_api_key(conn, row.id, now=now)
            conn.commit()
        return row

    return dependency


PermitsRead = Annotated[ApiKeyRow, Depends(require_scope("permits:read"))]
