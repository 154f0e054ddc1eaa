"""The ``permitdb`` command: one Typer app, one sub-command module per noun.

Errors permitdb raises on purpose (and bad settings and database errors) end as one red line
saying what to do next, exit code 1, no traceback (``failures.explain`` words them); anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
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
from permitdb.cli.failures import explain


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            message = explain(exc)
            if message is None:
                raise
            fail(message)


app = typer.Typer(
    cls=_Group,
    help="permitdb: US building-permit data from public portals, served by one REST API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
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
