"""``permitdb db``: create or upgrade the schema, and show where the database stands."""

from __future__ import annotations

import typer

from permitdb.cli.console import console, engine, settings, shown_url
from permitdb.store.migrate import check_known_revision, current_revision, head_revision, upgrade

app = typer.Typer(help="Create, upgrade and inspect the database schema.", no_args_is_help=True)


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
