"""The ``permitdb`` command: one Typer app, one sub-command module per noun.

Errors permitdb raises on purpose (and database errors) end as one red line saying what to do
next, exit code 1, no traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy.exc import SQLAlchemyError
from typer.core import TyperGroup

from permitdb.cli import (
    catalog,
    db,
    exports,
    ingest,
    keys,
    normalize,
    quality,
    requests,
    runs,
    serve,
)
from permitdb.cli.console import fail
from permitdb.errors import PermitdbError
from permitdb.settings import LogLevel


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PermitdbError as exc:
            fail(str(exc))
        except SQLAlchemyError as exc:
            fail(
                f"database error ({type(exc).__name__}: {str(exc).splitlines()[0]}). Check "
                "PERMITDB_DATABASE_URL and that the server is up, then run 'permitdb db migrate'."
            )


app = typer.Typer(
    cls=_Group,
    help="permitdb: US building-permit data from public portals, served by one REST API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    ctx: typer.Context,
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
    from permitdb.cli.logs import configure_for_command  # here: keeps --help fast

    configure_for_command(ctx.invoked_subcommand, log_level)


app.add_typer(db.app, name="db")
app.add_typer(catalog.app, name="catalog")
app.add_typer(keys.app, name="keys")
app.add_typer(requests.app, name="requests")
app.command()(ingest.ingest)
app.command()(runs.runs)
app.command()(runs.quarantine)
app.command()(quality.quality)
app.command()(exports.export)
app.command()(normalize.normalize)
app.command()(serve.serve)
app.command()(serve.demo)


def main() -> None:
    app()
