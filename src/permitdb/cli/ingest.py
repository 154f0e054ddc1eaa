"""``permitdb ingest``: sync catalog datasets into the database, with a progress bar each."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.cli.console import console, engine, err_console, settings, use_demo_database
from permitdb.cli.progress import RateColumn
from permitdb.cli.slugs import selected_entries
from permitdb.ingest.run import RunSummary, ingest_catalog
from permitdb.sources.http import HttpClient
from permitdb.store.migrate import upgrade
from permitdb.testing.portal import ReplayPortal, replayed_entries


class RichProgress:
    """``IngestProgress`` drawn as one Rich bar per dataset."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def started(self, dataset: str, total: int | None) -> None:
        self.tasks[dataset] = self.progress.add_task(dataset, total=total)

    def advanced(self, dataset: str, records: int) -> None:
        self.progress.advance(self.tasks[dataset], records)

    def finished(self, summary: RunSummary) -> None:
        task = self.tasks[summary.dataset]
        mark = "[green]✓[/]" if summary.status == "succeeded" else "[red]✗[/]"
        self.progress.update(
            task,
            description=f"{mark} {summary.dataset}",
            total=summary.fetched,
            completed=summary.fetched,
        )


@contextmanager
def http_client(entries: Sequence[CatalogEntry], *, from_recordings: bool) -> Iterator[HttpClient]:
    """A live client, or one whose portal hosts are answered from the bundled recordings."""
    if not from_recordings:
        with HttpClient(settings=settings()) as client:
            yield client
        return
    with (
        ReplayPortal(entries, recordings_dir=settings().recordings_dir) as portal,
        HttpClient(settings=settings(), origin_map=portal.origin_map) as client,
    ):
        yield client


def run_ingest(
    db: Engine,
    entries: Sequence[CatalogEntry],
    *,
    from_recordings: bool,
    full: bool,
    wait_s: float = 0.0,
) -> list[RunSummary]:
    """Migrate, sync ``entries``, print the summary table; return the summaries."""
    if from_recordings:
        entries = replayed_entries(entries, settings().recordings_dir)
    upgrade(db)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),  # -:--:-- for a portal that gives no count
    )
    with (
        http_client(entries, from_recordings=from_recordings) as client,
        Progress(*columns, console=console) as progress,
    ):
        summaries = ingest_catalog(
            db,
            entries,
            client,
            full=full,
            origin="recordings" if from_recordings else "live",
            progress=RichProgress(progress),
            wait_s=wait_s,
        )
    table = Table("dataset", "status", "mode", "fetched", "inserted", "updated", "unchanged")
    for column in ("rejected", "skipped", "duplicates"):
        table.add_column(column)
    for s in summaries:
        style = "green" if s.status == "succeeded" else "red"
        table.add_row(
            s.dataset,
            f"[{style}]{s.status}[/]",
            s.mode,
            *(
                str(n)
                for n in (
                    s.fetched,
                    s.inserted,
                    s.updated,
                    s.unchanged,
                    s.rejected,
                    s.skipped,
                    s.duplicates,
                )
            ),
        )
    console.print(table)
    return summaries


def ingest(
    selectors: Annotated[
        list[str] | None,
        typer.Argument(metavar="[SELECTOR]...", help="Jurisdiction or dataset slugs; none: all"),
    ] = None,
    from_recordings: Annotated[
        bool,
        typer.Option(
            help="Read the bundled recordings instead of the live portals, into the demo "
            "database (PERMITDB_DEMO_DATABASE_URL)"
        ),
    ] = False,
    full: Annotated[bool, typer.Option(help="Re-read whole datasets, ignoring cursors")] = False,
    wait: Annotated[
        float,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="How long to wait for another process's sync of a dataset to end; 0: skip it",
        ),
    ] = 0.0,
) -> None:
    """Sync datasets from their portals (migrates the database first)."""
    entries = selected_entries(selectors or ())
    if from_recordings:
        use_demo_database(True)
    db = engine()
    try:
        summaries = run_ingest(db, entries, from_recordings=from_recordings, full=full, wait_s=wait)
    finally:
        db.dispose()  # a pooled connection left for the garbage collector warns on PostgreSQL
    failed = [s for s in summaries if s.status != "succeeded"]
    for s in failed:
        err_console.print(f"[bold red]{s.dataset} {s.status}:[/] {s.error}", soft_wrap=True)
    if any(s.status != "busy" for s in failed):  # a busy line says what to do itself
        err_console.print(
            "[bold red]error:[/] fix what the message above names (catalog entry, network, "
            "portal), then rerun 'permitdb ingest' with the dataset slug; it resumes where it "
            "stopped. 'permitdb runs --dataset <slug>' shows the history."
        )
    if failed:
        raise typer.Exit(1)
