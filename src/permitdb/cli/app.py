"""The ``permitdb`` command: one Typer app, one sub-command module per noun, each imported only
when it runs (``cli.lazy``), so ``permitdb --help`` and ``--version`` answer at once.

Errors permitdb raises on purpose (and bad settings and database errors) end as one red line
saying what to do next, exit code 1, no traceback (``failures.explain`` words them); anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from permitdb.cli.lazy import HELP_MARKUP, LazyCommand
from permitdb.log_context import LogLevel

# Each sub-command and where it lives, in the order --help lists them.
COMMANDS = {
    "demo": "permitdb.cli.serve:demo",
    "ingest": "permitdb.cli.ingest:ingest",
    "serve": "permitdb.cli.serve:serve",
    "runs": "permitdb.cli.runs:runs",
    "quarantine": "permitdb.cli.runs:quarantine",
    "quality": "permitdb.cli.quality:quality",
    "export": "permitdb.cli.exports:export",
    "normalize": "permitdb.cli.normalize:normalize",
    "catalog": "permitdb.cli.catalog:app",
    "db": "permitdb.cli.db:app",
    "keys": "permitdb.cli.keys:app",
    "requests": "permitdb.cli.requests:app",
    "contractors": "permitdb.cli.contractors:app",
}


def _fail(message: str) -> NoReturn:
    from permitdb.cli.console import fail  # Rich and the database layer: only when failing

    fail(message)


class _Group(TyperGroup):
    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, target in COMMANDS.items():
            self.add_command(LazyCommand(name, target))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # the words for it need the database layer: imported only when something failed
            from permitdb.cli.failures import explain

            message = explain(exc)
            if message is None:
                raise
            _fail(message)


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=HELP_MARKUP,
    # -h everywhere: sub-command contexts inherit the root's help option names
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"permitdb {version('permitdb')}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the permitdb version and exit.",
        ),
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Use the demo database (PERMITDB_DEMO_DATABASE_URL) instead of the live one.",
        ),
    ] = False,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(
            case_sensitive=False,
            metavar="LEVEL",
            help="debug, info, warning or error (default: PERMITDB_LOG_LEVEL, else info for "
            "serve and demo, warning otherwise). PERMITDB_LOG_FORMAT=rich|json|auto picks the "
            "format.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """permitdb: US building-permit data from public portals, served by one REST API."""
    # here, not at the top: the database layer and logging set-up are not needed for --help
    from permitdb.cli.console import use_demo_database
    from permitdb.cli.logs import configure_for_command

    configure_for_command(ctx.invoked_subcommand, log_level)
    use_demo_database(demo)


def main() -> None:
    app()
