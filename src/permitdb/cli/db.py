"""``permitdb db``: create or upgrade the schema, show where the database stands, back it up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from permitdb.cli.console import console, database_url, engine, settings, shown_url
from permitdb.store.backups import backup_database, restore_database
from permitdb.store.migrate import check_known_revision, current_revision, head_revision, upgrade

app = typer.Typer(
    help="Create, upgrade, inspect, back up and restore the database.", no_args_is_help=True
)


@app.command()
def migrate() -> None:
    """Create the tables, or upgrade them to this version of permitdb (safe to repeat)."""
    db = engine()
    upgrade(db)
    console.print(f"Database {shown_url(settings())} is at revision {current_revision(db)}.")


@app.command()
def status() -> None:
    """Show the database URL and whether its schema is up to date."""
    revision = check_known_revision(engine())
    head = head_revision()
    console.print(f"Database: {shown_url(settings())}")
    console.print(f"Schema revision: {revision or 'none (empty database)'}; latest: {head}")
    if revision != head:
        console.print("[yellow]Out of date:[/] run 'permitdb db migrate'.")
        raise typer.Exit(1)
    console.print("[green]Up to date.[/]")


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="New file to write the backup to")],
) -> None:
    """Write a consistent backup while the server and ingest keep running.

    SQLite: a compact copy of the database file (VACUUM INTO), including rows still in the
    WAL. PostgreSQL: a pg_dump custom-format archive (needs pg_dump on PATH).
    """
    backup_database(database_url(settings()), path)
    console.print(f"Backed up {shown_url(settings())} to {path}.")


@app.command()
def restore(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="A file written by 'permitdb db backup'")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds permitdb data")
    ] = False,
) -> None:
    """Replace the database with a backup (checked to be a permitdb backup this version reads)."""
    restored = restore_database(database_url(settings()), path, force=force)
    console.print(f"Restored {path} into {shown_url(settings())} (revision {restored.revision}).")
    if not restored.is_latest:
        console.print(
            "[yellow]The backup predates this version's schema:[/] run 'permitdb db migrate'."
        )
