"""What every command shares: the consoles, the engine from settings, and how to fail."""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from permitdb.settings import Settings, get_settings
from permitdb.store.engine import create_engine_for

# Piped output (CI logs, files, tests) would get Rich's 80-column default and truncated
# tables; a terminal keeps its own width.
PIPE_WIDTH = 200
console = Console(highlight=False, width=None if sys.stdout.isatty() else PIPE_WIDTH)
err_console = Console(
    stderr=True, highlight=False, width=None if sys.stderr.isatty() else PIPE_WIDTH
)


def fail(message: str) -> NoReturn:
    """One red line, no traceback, exit code 1. ``message`` must say what to do next."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(1)


def settings() -> Settings:
    return get_settings()


class _Target:
    """Which database this process's commands use: the live one unless told otherwise."""

    demo = False


def use_demo_database(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Use the demo database (PERMITDB_DEMO_DATABASE_URL) instead of the live one",
        ),
    ] = False,
) -> None:
    """Point every later ``engine()`` at the demo database or back at the live one.

    The app's callback runs this on every invocation; ``demo`` and ``ingest --from-recordings``
    switch to the demo database themselves, so recordings never land in the live one.
    """
    _Target.demo = demo


def database_url(settings: Settings) -> str:
    if _Target.demo:
        return settings.resolved_demo_database_url()
    return settings.resolved_database_url()


def engine() -> Engine:
    return create_engine_for(database_url(get_settings()))


def shown_url(settings: Settings) -> str:
    """The database URL with any password hidden, for messages."""
    return make_url(database_url(settings)).render_as_string(hide_password=True)
