"""``permitdb keys``: create, list, update, rotate, disable, enable and revoke API keys.

A key is shown once, when created or rotated; only its hash is stored.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Final

import typer
from rich.table import Table

from permitdb.api.auth import DEFAULT_SCOPES, SCOPES
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.cli.console import console, engine, fail, settings
from permitdb.cli.listing import JsonOption, print_json
from permitdb.cli.secret_check import warn_default_secret
from permitdb.store.api_keys import (
    insert_api_key,
    list_api_keys,
    revoke_api_key,
    rotate_api_key,
    set_key_disabled,
    update_api_key,
)

app = typer.Typer(help="Create, list, update, rotate and revoke API keys.", no_args_is_help=True)

KeyId = Annotated[int, typer.Argument(metavar="ID", help="id from 'keys list'")]
ScopeOption = Annotated[
    list[str] | None,
    typer.Option(
        help=f"Repeatable; one of: {', '.join(SCOPES)} (default: {', '.join(DEFAULT_SCOPES)})"
    ),
]
QuotaOption = Annotated[
    int | None, typer.Option(min=1, help="Monthly request quota, recorded with the key")
]
ExpiresOption = Annotated[
    str | None,
    typer.Option(
        metavar="DATE",
        help="When the key stops working, UTC: YYYY-MM-DD (it works through that day) or "
        "YYYY-MM-DDTHH:MM",
    ),
]
_DURATION: Final = re.compile(r"(\d+)([smhd])")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MAX_GRACE: Final = timedelta(days=90)


def create_key(
    *,
    name: str,
    scopes: list[str],
    quota: int | None,
    is_demo: bool,
    expires_at: datetime | None = None,
) -> str:
    """Store a new key's hash and return the key itself (the only time it exists in clear)."""
    key = generate_api_key()
    with engine().begin() as conn:
        insert_api_key(
            conn,
            name=name,
            prefix=key_prefix(key),
            key_hash=hash_api_key(key, settings().secret_key.get_secret_value()),
            scopes=scopes,
            monthly_quota=quota,
            is_demo=is_demo,
            now=datetime.now(UTC),
            expires_at=expires_at,
        )
    return key


def _scopes(given: list[str]) -> list[str]:
    scopes = list(dict.fromkeys(given))
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        fail(f"unknown scope {', '.join(unknown)}; use one of: {', '.join(SCOPES)}.")
    return scopes


def _expiry(text: str | None) -> datetime | None:
    """The moment ``--expires`` names, aware UTC; a date alone lasts through that day."""
    if text is None:
        return None
    try:
        if "T" in text:
            expires_at = datetime.fromisoformat(text).replace(tzinfo=UTC)
        else:
            expires_at = datetime.combine(date.fromisoformat(text) + timedelta(days=1), time(), UTC)
    except ValueError:
        fail(f"--expires {text!r} is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC).")
    if expires_at <= datetime.now(UTC):
        fail(f"--expires {text} is in the past; give a later date (UTC).")
    return expires_at


def _grace(text: str) -> timedelta:
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        fail(f"--grace {text!r} is not a duration; write e.g. 0s, 30m, 24h or 7d.")
    grace = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if grace > MAX_GRACE:
        fail(f"--grace {text} is longer than 90 days; revoke the key instead of keeping it open.")
    return grace


def _show_secret(key: str) -> None:
    console.print(key, soft_wrap=True)
    console.print(
        "\n[bold yellow]Copy it now: it cannot be shown again[/] (only its hash is stored). "
        "Lost it? Rotate the key ('permitdb keys rotate ID')."
    )


@app.command()
def create(
    name: Annotated[str, typer.Option(help="Who or what the key is for")],
    scope: ScopeOption = None,
    quota: QuotaOption = None,
    expires: ExpiresOption = None,
) -> None:
    """Create a key and print it once."""
    scopes = _scopes(scope or list(DEFAULT_SCOPES))
    expires_at = _expiry(expires)
    warn_default_secret(settings())
    key = create_key(name=name, scopes=scopes, quota=quota, is_demo=False, expires_at=expires_at)
    console.print(f"Created key '{name}' ({', '.join(scopes)}):\n")
    _show_secret(key)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List keys: prefix, name, scopes, status, dates (never the key or its hash)."""
    with engine().connect() as conn:
        rows = list_api_keys(conn)
    if as_json:
        hidden = {"key_hash", "previous_key_hash"}
        print_json(
            [
                {k: v for k, v in asdict(row).items() if k not in hidden} | {"status": row.status}
                for row in rows
            ]
        )
        return
    table = Table(
        "id", "prefix", "name", "scopes", "quota", "status", "expires", "created", "last used"
    )
    for row in rows:
        table.add_row(
            str(row.id),
            row.prefix,
            row.name + (" (demo)" if row.is_demo else ""),
            ", ".join(row.scopes),
            str(row.monthly_quota) if row.monthly_quota else "-",
            row.status,
            _when(row.expires_at),
            _when(row.created_at),
            _when(row.last_used_at),
        )
    console.print(table)


def _no_such_key(key_id: int) -> None:
    fail(f"no active key with id {key_id}; 'permitdb keys list' shows the ids.")


@app.command()
def update(
    key_id: KeyId,
    name: Annotated[str | None, typer.Option(help="A new name")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(help=f"Repeatable; replaces the key's scopes. One of: {', '.join(SCOPES)}"),
    ] = None,
    quota: QuotaOption = None,
    no_quota: Annotated[bool, typer.Option("--no-quota", help="Remove the quota")] = False,
    expires: ExpiresOption = None,
    no_expiry: Annotated[bool, typer.Option("--no-expiry", help="Never expire")] = False,
) -> None:
    """Change a key's name, scopes, quota or expiry; its secret stays the same."""
    if (quota is not None and no_quota) or (expires is not None and no_expiry):
        fail("give a value or its --no- option, not both.")
    if not any((name, scope, quota, expires, no_quota, no_expiry)):
        fail("nothing to change: give --name, --scope, --quota or --expires.")
    scopes = None if scope is None else _scopes(scope)
    with engine().begin() as conn:
        changed = update_api_key(
            conn,
            key_id,
            name=name,
            scopes=scopes,
            monthly_quota=quota,
            expires_at=_expiry(expires),
            clear_quota=no_quota,
            clear_expiry=no_expiry,
        )
    if not changed:
        _no_such_key(key_id)
    console.print(f"Updated key {key_id}; the API applies it within 5 seconds.")


@app.command()
def rotate(
    key_id: KeyId,
    grace: Annotated[
        str, typer.Option(help="How long the old secret keeps working: e.g. 0s, 30m, 24h, 7d")
    ] = "24h",
) -> None:
    """Give a key a new secret and print it once; the old one works for the grace period."""
    period = _grace(grace)
    key = generate_api_key()
    until = datetime.now(UTC) + period
    with engine().begin() as conn:
        rotated = rotate_api_key(
            conn,
            key_id,
            prefix=key_prefix(key),
            key_hash=hash_api_key(key, settings().secret_key.get_secret_value()),
            previous_valid_until=until,
        )
    if not rotated:
        _no_such_key(key_id)
    console.print(f"Rotated key {key_id}; the old secret works until {until:%Y-%m-%d %H:%M} UTC:\n")
    _show_secret(key)


def _set_disabled(key_id: int, disabled_at: datetime | None) -> None:
    with engine().begin() as conn:
        if not set_key_disabled(conn, key_id, disabled_at=disabled_at):
            _no_such_key(key_id)


@app.command()
def disable(key_id: KeyId) -> None:
    """Refuse a key (403 api_key_disabled) until it is enabled again."""
    _set_disabled(key_id, datetime.now(UTC))
    console.print(f"Disabled key {key_id}; the API refuses it within 5 seconds.")


@app.command()
def enable(key_id: KeyId) -> None:
    """Accept a disabled key again."""
    _set_disabled(key_id, None)
    console.print(f"Enabled key {key_id}; the API accepts it within 5 seconds.")


@app.command()
def revoke(key_id: KeyId) -> None:
    """Revoke a key for good: within 5 seconds, requests with it fail with invalid_api_key."""
    with engine().begin() as conn:
        revoked = revoke_api_key(conn, key_id, now=datetime.now(UTC))
    if not revoked:
        _no_such_key(key_id)
    console.print(f"Revoked key {key_id}.")
