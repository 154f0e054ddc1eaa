"""``permitdb export``: every permit a search matches, as one CSV, NDJSON, GeoJSON or Parquet file.

The bytes come from ``services.exports``, the same code ``GET /v1/permits?format=...`` streams,
so a file written here equals the API's download for the same filters. A file is written
beside its final name and renamed into place when complete, so a failed export never leaves a
truncated file that looks whole.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

from permitdb.api.errors import InvalidParameter
from permitdb.api.params.permit_filters import PermitFilters
from permitdb.api.params.permits import to_search
from permitdb.api.schemas.permits import permit_json
from permitdb.cli.console import engine, err_console, fail, settings
from permitdb.cli.progress import RowsColumn
from permitdb.cli.slugs import jurisdiction_slugs
from permitdb.services.exports import EXPORT_FORMATS, ExportFormat, export_permits
from permitdb.store.permits import PermitQuery

STDOUT = "-"
DATE_FORMATS = ["%Y-%m-%d"]


def _format_of(output: str, given: str | None) -> ExportFormat:
    name = given or Path(output).suffix.removeprefix(".").lower()
    known = {export_format: export_format for export_format in EXPORT_FORMATS}
    if name not in known:
        fail(
            f"cannot tell the format from {output!r}; pass --format with one of "
            f"{', '.join(EXPORT_FORMATS)}."
        )
    return known[name]


def _query(
    jurisdiction: list[str],
    state: str | None,
    city: str | None,
    issued_from: datetime | None,
    issued_to: datetime | None,
    tags: list[str],
    q: str | None,
) -> PermitQuery:
    """The same checks and query as ``GET /v1/permits`` with these filters."""
    given = {
        "jurisdiction": jurisdiction,
        "state": state,
        "city": [city] if city else [],
        "issued_from": issued_from.date() if issued_from else None,
        "issued_to": issued_to.date() if issued_to else None,
        "tags": tags,
        "q": q,
    }
    asked = {name: value for name, value in given.items() if value not in (None, [])}
    try:
        return to_search(PermitFilters.model_validate(asked)).query
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0])
        wanted = PermitFilters.model_fields[name].description
        fail(f"--{name.replace('_', '-')}: {error['msg']} ({wanted}); fix it and retry.")
    except InvalidParameter as exc:
        fail(exc.message.replace("query.", "--").replace("_", "-", 1))


def _write(chunks: Iterator[bytes], output: str) -> None:
    if output == STDOUT:
        stdout = sys.stdout.buffer
        for chunk in chunks:
            stdout.write(chunk)
        stdout.flush()
        return
    target = Path(output)
    partial_file = target.with_name(f".{target.name}.partial")
    try:
        with partial_file.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
        os.replace(partial_file, target)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}. Pick another --output, or - for stdout.")
    finally:
        partial_file.unlink(missing_ok=True)


def export(
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE", help="File to write, or - for stdout"),
    ],
    export_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="csv, ndjson, geojson or parquet; default: FILE's extension",
        ),
    ] = None,
    jurisdiction: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Jurisdiction slug; repeatable")
    ] = None,
    state: Annotated[
        str | None, typer.Option(metavar="CODE", help="Two-letter USPS state code")
    ] = None,
    city: Annotated[
        str | None, typer.Option("--city", metavar="CITY", help="City, case-insensitive")
    ] = None,
    issued_from: Annotated[
        datetime | None,
        typer.Option(formats=DATE_FORMATS, metavar="YYYY-MM-DD", help="Issued on or after"),
    ] = None,
    issued_to: Annotated[
        datetime | None,
        typer.Option(formats=DATE_FORMATS, metavar="YYYY-MM-DD", help="Issued on or before"),
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TAG", help="Repeatable or comma-separated; -tag excludes. All must match"
        ),
    ] = None,
    q: Annotated[str | None, typer.Option(metavar="TEXT", help="Full-text search")] = None,
    people: Annotated[
        bool,
        typer.Option(
            "--people", help="Include owner and applicant (person-level data; NDJSON, GeoJSON)"
        ),
    ] = False,
) -> None:
    """Write every permit matching the filters, newest issue date first, as one file."""
    chosen = _format_of(output, export_format)
    jurisdictions = jurisdiction_slugs(jurisdiction or [])
    query = _query(jurisdictions, state, city, issued_from, issued_to, tags or [], q)
    columns = (SpinnerColumn(), RowsColumn(), TimeElapsedColumn())
    database = engine()
    try:
        with Progress(*columns, console=err_console) as progress:
            task = progress.add_task("export", total=None)
            chunks = export_permits(
                database,
                query,
                chosen,
                permit_json=partial(permit_json, include_raw=False, people=people),
                page_size=settings().export_page_size,
                on_page=lambda rows: progress.advance(task, rows),
            )
            _write(chunks, output)
            written = int(progress.tasks[0].completed)
    finally:
        database.dispose()
    where = "stdout" if output == STDOUT else output
    err_console.print(f"wrote {written:,} permits to {where} ({chosen})")
