"""What every command shares: the consoles, the engine from settings, and how to fail."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from permitdb.settings import Settings, get_settings
from permitdb.store.engine import engine_from_settings

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


def engine() -> Engine:
    return engine_from_settings(get_settings())


def shown_url(settings: Settings) -> str:
    """The database URL with any password hidden, for messages."""
    return make_url(settings.resolved_database_url()).render_as_string(hide_password=True)
