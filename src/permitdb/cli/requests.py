"""``permitdb requests``: the operator's view of the jurisdictions users asked for, and triage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.table import Table

from permitdb.cli.console import console, engine, err_console, fail
from permitdb.cli.listing import JsonOption, print_json
from permitdb.services import jurisdiction_requests as request_service
from permitdb.store.jurisdiction_requests import REQUEST_STATUSES, RequestStatus

app = typer.Typer(help="List jurisdiction requests and set their status.", no_args_is_help=True)


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, help="At most this many, most votes first")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Requests, most votes first: id, state, name, status, votes, dates."""
    rows, more = request_service.list_requests(engine(), limit=limit)
    if as_json:
        print_json(rows)
        if more is not None:
            err_console.print(f"More requests than {limit}: raise --limit to see them.")
        return
    table = Table("id", "state", "name", "status", "votes", "requested", "updated")
    for row in rows:
        table.add_row(
            str(row.id),
            row.state,
            escape(row.name),  # typed by API callers: shown as text, never as Rich markup
            row.status,
            str(row.request_count),
            _when(row.created_at),
            _when(row.updated_at),
        )
    console.print(table)
    if more is not None:
        console.print(f"More requests than {limit}: raise --limit to see them.")


@app.command("set-status")
def set_status(
    request_id: Annotated[int, typer.Argument(metavar="ID", help="id from 'requests list'")],
    status: Annotated[str, typer.Argument(help=f"One of: {', '.join(REQUEST_STATUSES)}")],
) -> None:
    """Set a request's status; API callers see it on their next request or listing."""
    if status not in REQUEST_STATUSES:
        fail(f"unknown status '{status}'; use one of: {', '.join(REQUEST_STATUSES)}.")
    row = request_service.set_status(
        engine(), request_id, cast(RequestStatus, status), now=datetime.now(UTC)
    )
    if row is None:
        fail(f"no request with id {request_id}; 'permitdb requests list' shows the ids.")
    console.print(f"Request {row.id} ({escape(row.name)}, {row.state}) is now {row.status}.")
