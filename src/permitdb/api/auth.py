"""API-key authentication as typed dependencies: ``key: PermitsRead`` in a route signature.

The key comes from ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. A key with the
wrong shape or checksum is refused before any database lookup; a well-formed one is looked up
by its HMAC hash (the key itself is never stored or logged; after a secret rotation, a key
stored under a previous secret is found by that hash and re-hashed under the current one) and
then trusted for a few seconds
(``key_cache``), so most requests do no database work for auth. ``last_used_at`` is written at
most once a minute per key and process, so busy keys do not turn every read into a write.

The dependencies are ``async`` and go to the thread pool only for database work: FastAPI runs
a plain ``def`` dependency in the pool, a hop per dependency per request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Final

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from permitdb.api.errors import (
    ApiError,
    ApiKeyDisabled,
    ApiKeyExpired,
    InsufficientScope,
    InvalidApiKey,
    MissingApiKey,
    ServiceUnavailable,
)
from permitdb.api.keys import hash_api_key, is_well_formed
from permitdb.api.params.strict import REQUIRES_KEY, check_query
from permitdb.api.state import State
from permitdb.settings import SigningSecrets
from permitdb.store.api_keys import ApiKeyRow, find_key, rehash_api_key, touch_api_key

# One read scope per kind of data sold apart (permits, contractors, parcels, places); people:read
# adds person-level fields (owners, applicants, licence holders) and the owner filters;
# metrics:read lets a monitoring system scrape /metrics. A key has either of the last two only
# when created with it.
READ_SCOPES: Final = ("permits:read", "contractors:read", "parcels:read", "places:read")
SCOPES: Final = (*READ_SCOPES, "people:read", "metrics:read")
DEFAULT_SCOPES: Final = READ_SCOPES
PEOPLE_SCOPE: Final = "people:read"
METRICS_SCOPE: Final = "metrics:read"
TOUCH_INTERVAL: Final = timedelta(minutes=1)

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer pdb_live_…")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: pdb_live_…")


async def presented_key(
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


def _look_up(engine: Engine, key: str, secrets: SigningSecrets) -> ApiKeyRow | None:
    """The unrevoked key by its hash under the current secret, else under a previous one; a
    key found that way is re-hashed under the current secret, so the next lookup is direct."""
    current = hash_api_key(key, secrets.current)
    with engine.connect() as conn:
        row = find_key(conn, current)
    if row is not None or not secrets.previous:
        return row
    with engine.begin() as conn:
        for previous in secrets.previous:
            old = hash_api_key(key, previous)
            row = find_key(conn, old)
            if row is not None:
                rehash_api_key(conn, row.id, old_hash=old, new_hash=current)
                if row.key_hash == old:
                    return dataclasses.replace(row, key_hash=current)
                return dataclasses.replace(row, previous_key_hash=current)
    return None


def _touch(engine: Engine, key_id: int, now: datetime) -> None:
    with engine.begin() as conn:
        touch_api_key(conn, key_id, now=now)


def _refuse_unusable(row: ApiKeyRow, key_hash: str, now: datetime) -> None:
    refusal = row.refusal(key_hash, now)
    if refusal == "disabled":
        raise ApiKeyDisabled()
    if refusal == "expired":
        assert row.expires_at is not None  # what "expired" means
        raise ApiKeyExpired(
            f"The API key expired on {row.expires_at:%Y-%m-%d %H:%M} UTC. Ask the operator to "
            f"extend it ('permitdb keys update {row.id} --expires DATE') or for a new one."
        )
    if refusal == "rotated":
        raise InvalidApiKey(
            "This API key was rotated and its old secret's grace period has ended. Use the new "
            "key the operator received from 'permitdb keys rotate'."
        )


def require_scope(scope: str | None) -> Callable[..., Awaitable[ApiKeyRow]]:
    """A dependency that admits an active key holding ``scope`` (any active key for None)
    and returns its row."""

    async def dependency(
        request: Request, state: State, key: Annotated[str | None, Depends(presented_key)]
    ) -> ApiKeyRow:
        if not key:
            raise MissingApiKey()
        if not is_well_formed(key):
            raise InvalidApiKey(
                "The API key is malformed (permitdb keys look like pdb_live_<32 characters>_"
                "<6 characters>). Check that you copied the whole key."
            )
        secrets = state.settings.signing_secrets()
        key_hash = hash_api_key(key, secrets.current)
        row = state.keys.get(key_hash)
        if row is None:
            row = await run_in_threadpool(_look_up, state.engine, key, secrets)
            if row is None:
                raise InvalidApiKey()
            state.keys.put(key_hash, row)
        now = datetime.now(UTC)
        _refuse_unusable(row, key_hash, now)
        if scope is not None and scope not in row.scopes:
            raise InsufficientScope(
                f"This API key lacks the '{scope}' scope. Ask the operator for a key created "
                f"with 'permitdb keys create --scope {scope}'."
            )
        if not _used_recently(row, now):
            await run_in_threadpool(_touch, state.engine, row.id, now)
            row = state.keys.touched(key_hash, row, now)
        check_query(request)  # only now: a caller without a key learns that first
        return row

    setattr(dependency, REQUIRES_KEY, True)
    return dependency


PermitsRead = Annotated[ApiKeyRow, Depends(require_scope("permits:read"))]
ContractorsRead = Annotated[ApiKeyRow, Depends(require_scope("contractors:read"))]
ParcelsRead = Annotated[ApiKeyRow, Depends(require_scope("parcels:read"))]
PlacesRead = Annotated[ApiKeyRow, Depends(require_scope("places:read"))]
# What a route behind a key can answer besides its own errors (for its OpenAPI responses=).
AUTH_ERRORS: tuple[type[ApiError], ...] = (
    MissingApiKey,
    InvalidApiKey,
    ApiKeyExpired,
    ApiKeyDisabled,
    InsufficientScope,
    ServiceUnavailable,
)
# Endpoints every key holder may use whatever its scopes, such as asking for a jurisdiction.
AnyKey = Annotated[ApiKeyRow, Depends(require_scope(None))]
