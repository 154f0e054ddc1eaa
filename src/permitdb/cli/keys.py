"""``permitdb keys``: create, list and revoke API keys. The key is shown once, never stored."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from permitdb.api.auth import DEFAULT_SCOPES, SCOPES
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.cli.console import console, engine, fail, settings
from permitdb.cli.listing import JsonOption, print_json
from permitdb.cli.secret_check import warn_default_secret
from permitdb.store.api_keys import insert_api_key, list_api_keys, revoke_api_key

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


def create_key(*, name: str, scopes: list[str], quota: int | None, is_demo: bool) -> str:
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
        )
    return key


@app.command()
def create(
    name: Annotated[str, typer.Option(help="Who or what the key is for")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help=f"Repeatable; one of: {', '.join(SCOPES)} (default: {', '.join(DEFAULT_SCOPES)})"
        ),
    ] = None,
    quota: Annotated[
        int | None, typer.Option(min=1, help="Monthly request quota, recorded with the key")
    ] = None,
) -> None:
    """Create a key and print it once."""
    scopes = list(dict.fromkeys(scope or DEFAULT_SCOPES))
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        fail(f"unknown scope {', '.join(unknown)}; use one of: {', '.join(SCOPES)}.")
    warn_default_secret(settings())
    key = create_key(name=name, scopes=scopes, quota=quota, is_demo=False)
    console.print(f"Created key '{name}' ({', '.join(scopes)}):\n")
    console.print(key, soft_wrap=True)
    console.print(
        "\n[bold yellow]Copy it now: it cannot be shown again[/] (only its hash is stored). "
        "Lost it? Revoke it and create another."
    )


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List keys: prefix, name, scopes, dates (never the key or its hash)."""
    with engine().connect() as conn:
        rows = list_api_keys(conn)
    if as_json:
        print_json([{k: v for k, v in asdict(row).items() if k != "key_hash"} for row in rows])
        return
    table = Table("id", "prefix", "name", "scopes", "quota", "created", "last used", "revoked")
    for row in rows:
        table.add_row(
            str(row.id),
            row.prefix,
            row.name + (" (demo)" if row.is_demo else ""),
            ", ".join(row.scopes),
            str(row.monthly_quota) if row.monthly_quota else "-",
            _when(row.created_at),
            _when(row.last_used_at),
            _when(row.revoked_at),
        )
    console.print(table)


@app.command()
def revoke(
    key_id: Annotated[int, typer.Argument(metavar="ID", help="id from 'keys list'")],
) -> None:
    """Revoke a key: within 5 seconds, requests with it fail with invalid_api_key."""
    with engine().begin() as conn:
        revoked = revoke_api_key(conn, key_id, now=datetime.now(UTC))
    if not revoked:
        fail(f"no active key with id {key_id}; 'permitdb keys list' shows the ids.")
    console.print(f"Revoked key {key_id}.")
