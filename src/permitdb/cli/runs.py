"""``permitdb runs`` and ``permitdb quarantine``: what ingest did, and what it set aside."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from permitdb.cli.console import console, engine, settings
from permitdb.cli.listing import JsonOption, print_json
from permitdb.cli.slugs import one_dataset
from permitdb.sources.redaction import configured_secrets, redact_secrets
from permitdb.store.ingest_state import list_quarantine, list_runs

DatasetOption = Annotated[
    str | None,
    typer.Option(
        "--dataset",
        metavar="SLUG",
        help="Only this dataset (<jurisdiction>/<dataset>, or a one-dataset jurisdiction)",
    ),
]
LimitOption = Annotated[int, typer.Option(min=1, help="At most this many rows, newest first")]


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _dataset_slug(dataset: str | None) -> str | None:
    return one_dataset(dataset).slug if dataset else None


def runs(
    dataset: DatasetOption = None, limit: LimitOption = 50, as_json: JsonOption = False
) -> None:
    """Recent ingest runs: status, mode, counts, cursor, error."""
    db = engine()
    with db.connect() as conn:
        stored = list_runs(conn, dataset=_dataset_slug(dataset), limit=limit)
    db.dispose()  # a pooled PostgreSQL connection would outlive the command otherwise
    # Errors are redacted when stored; this covers rows an older version stored, in either form.
    secrets = configured_secrets(settings())
    rows = [
        replace(row, error=redact_secrets(row.error, secrets)) if row.error else row
        for row in stored
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("run", "dataset", "started", "status", "mode", "fetched", "inserted")
    for column in ("updated", "unchanged", "rejected", "skipped", "duplicates", "error"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row.id),
            row.dataset,
            _when(row.started_at),
            row.status,
            row.mode,
            str(row.fetched),
            str(row.inserted),
            str(row.updated),
            str(row.unchanged),
            str(row.rejected),
            str(row.skipped),
            str(row.duplicates),
            row.error or "",
        )
    console.print(table)


AllOption = Annotated[
    bool, typer.Option("--all", help="Also list entries whose record has loaded since")
]


def quarantine(
    dataset: DatasetOption = None,
    limit: LimitOption = 50,
    include_resolved: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """Records ingest could not load, with their reason codes (docs/quarantine.md); entries
    whose record has loaded since are resolved and listed only with --all."""
    db = engine()
    with db.connect() as conn:
        rows = list_quarantine(
            conn, dataset=_dataset_slug(dataset), limit=limit, open_only=not include_resolved
        )
    db.dispose()
    if as_json:
        print_json(rows)
        return
    table = Table("dataset", "run", "record", "reason", "field", "message", "when", "resolved")
    for row in rows:
        table.add_row(
            row.dataset,
            str(row.run_id),
            row.source_record_id or "-",
            row.reason_code,
            row.field or "-",
            row.message,
            _when(row.created_at),
            _when(row.resolved_at),
        )
    console.print(table)
