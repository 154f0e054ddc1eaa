"""Run one dataset sync: catalog → source → normalize → store, one transaction per page.

Each page's upserted records, its quarantined records and the new resume point commit
together, so a run killed at any moment resumes after the last committed page: nothing is
read twice into the table (upsert by source key) and nothing is lost (the resume token points
just past what was committed). Memory is bounded by the page size.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import (
    DatasetBusyError,
    IncompleteReadError,
    PermitdbError,
    SchemaDriftError,
    SourceError,
)
from permitdb.ingest import cursor as cursors
from permitdb.ingest import origins
from permitdb.ingest.commit import commit_page
from permitdb.ingest.contract import SchemaContract
from permitdb.ingest.kinds import kind_of
from permitdb.ingest.page import normalize_page
from permitdb.ingest.requarantine import retry_quarantined
from permitdb.ingest.sync_lock import syncing
from permitdb.settings import get_settings
from permitdb.sources.base import Source
from permitdb.sources.endpoints import endpoint_url
from permitdb.sources.http import HttpClient
from permitdb.sources.redaction import configured_secrets, redact_secrets
from permitdb.sources.registry import build_source
from permitdb.store import ingest_state
from permitdb.store.datasets import register_datasets
from permitdb.store.ingest_state import CursorOrigin

log = logging.getLogger("permitdb.ingest")

# ``incomplete``: the portal answered but the read cannot be proven whole; ``drifted``: the
# portal's fields no longer match the catalog. Neither moves the cursor (docs/ingest-runs.md).
# ``busy``: another process was syncing the dataset, so no run was started (none is logged).
RunStatus = Literal["succeeded", "failed", "incomplete", "drifted", "busy"]
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one sync did. ``error`` says what went wrong and what to do about it."""

    dataset: str
    run_id: int | None  # None when no run was started (``busy``)
    status: RunStatus
    mode: str
    fetched: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int
    duplicates: int
    cursor_before: str | None
    cursor_after: str | None
    error: str | None


class IngestProgress(Protocol):
    """Receives progress events (the CLI draws a Rich progress bar per dataset)."""

    def started(self, dataset: str, total: int | None) -> None: ...

    def advanced(self, dataset: str, records: int) -> None: ...

    def finished(self, summary: RunSummary) -> None: ...


@dataclass(frozen=True, slots=True)
class _Plan:
    mode: str
    since: str | None
    resume: dict[str, object] | None
    cursor_before: str | None
    pending: str | None


def _plan(entry: CatalogEntry, state: ingest_state.SyncState | None, *, full: bool) -> _Plan:
    """Decide where this sync starts: resume a broken run, re-read everything, or go on."""
    cursor_before = state.cursor_value if state else None
    if state is not None and state.resume is not None and not full:
        return _Plan(
            "resumed", state.since, dict(state.resume), cursor_before, state.pending_cursor_value
        )
    if full or entry.cursor is None or cursor_before is None:
        return _Plan("full", None, None, cursor_before, None)
    return _Plan(
        "incremental", cursors.with_lag(entry.cursor, cursor_before), None, cursor_before, None
    )


def ingest_dataset(
    engine: Engine,
    entry: CatalogEntry,
    source: Source,
    *,
    full: bool = False,
    origin: CursorOrigin = "live",
    progress: IngestProgress | None = None,
    clock: Clock = utcnow,
    wait_s: float = 0.0,
) -> RunSummary:
    """Sync one dataset while holding its sync lock, so two syncs of it never overlap.

    Waits up to ``wait_s`` seconds for a sync of the same dataset in another process to end,
    then raises :class:`DatasetBusyError` naming it. Source failures end this dataset's run as
    ``failed``, never raise.
    """
    with syncing(engine, entry.slug, wait_s=wait_s):
        return _sync(
            engine, entry, source, full=full, origin=origin, progress=progress, clock=clock
        )


def _sync(
    engine: Engine,
    entry: CatalogEntry,
    source: Source,
    *,
    full: bool,
    origin: CursorOrigin,
    progress: IngestProgress | None,
    clock: Clock,
) -> RunSummary:
    """Sync one dataset. Source failures end this dataset's run as ``failed``, never raise.

    ``origin`` says what ``source`` reads: a cursor or resume point another origin left is
    dropped, so the sync reads everything.
    """
    started = clock()
    with engine.begin() as conn:
        register_datasets(
            conn, [entry], now=started, source_url_for=lambda e: endpoint_url(e.source)
        )
        state = ingest_state.load_state(conn, entry.slug)
        foreign = origins.foreign_cursor(state, origin)
        if foreign is not None:
            log.warning("ingest %s: %s", entry.slug, foreign)
            ingest_state.forget_sync_point(conn, entry.slug)
            state = ingest_state.load_state(conn, entry.slug)
        plan = _plan(entry, state, full=full)
        previous = ingest_state.get_run(conn, state.run_id) if state and state.run_id else None
        if previous is not None and previous.status == "running":
            # We hold the dataset's sync lock, so the process that ran it died (killed, power
            # loss) before it could say so.
            ingest_state.finish_run(
                conn,
                entry.slug,
                run_id=previous.id,
                status="interrupted",
                cursor_after=previous.cursor_before,
                error="the process stopped before the run finished; its committed pages are kept",
                now=started,
            )
        run_id = ingest_state.start_run(
            conn,
            entry.slug,
            mode=plan.mode,
            cursor_before=plan.cursor_before,
            now=started,
            origin=origin,
        )
    log.info("ingest %s: %s run %d (since %s)", entry.slug, plan.mode, run_id, plan.since)
    if progress is not None:
        progress.started(entry.slug, _safe_count(source, plan.since))

    pending = plan.pending
    status: RunStatus = "succeeded"
    error: str | None = None
    contract = SchemaContract(entry, state.source_fields if state else None)
    try:
        resolved = retry_quarantined(engine, entry, run_id=run_id, clock=clock)
        if resolved:
            log.info("ingest %s: %d quarantined records load now", entry.slug, resolved)
        for page in source.pages(since=plan.since, resume=plan.resume):
            shape = contract.check(page.records)
            normalized = normalize_page(entry, page.records, fetched_at=clock())
            if entry.cursor is not None:
                pending = cursors.later(entry.cursor, pending, normalized.max_cursor)
            commit_page(
                engine,
                entry,
                run_id,
                plan.since,
                page.resume,
                normalized,
                pending,
                (contract, shape),
                clock(),
            )
            if progress is not None:
                progress.advanced(entry.slug, normalized.fetched)
    except Exception as exc:  # one dataset's failure, whatever it is, must not stop the others
        status, error = _outcome(exc)
        # the run log is printed and served: no configured token in it, whatever raised
        error = redact_secrets(error, configured_secrets(get_settings()))
        log.warning("ingest %s %s: %s", entry.slug, status, error)
        if not isinstance(exc, PermitdbError):
            log.debug("ingest %s: unexpected error", entry.slug, exc_info=exc)

    after_error = _after_run(engine, entry, clock)
    if after_error is not None and status == "succeeded":
        status, error = "failed", after_error
    cursor_after = plan.cursor_before
    if status == "succeeded" and entry.cursor is not None:
        cursor_after = cursors.later(
            entry.cursor, plan.cursor_before, cursors.capped_at(entry.cursor, pending, started)
        )
    with engine.begin() as conn:
        ingest_state.finish_run(
            conn,
            entry.slug,
            run_id=run_id,
            status=status,
            cursor_after=cursor_after,
            error=error,
            now=clock(),
        )
        run = ingest_state.get_run(conn, run_id)
    if run is None:  # pragma: no cover - the row was written in this function
        raise AssertionError(f"run {run_id} vanished")
    # The run log is the one tally: save_page added every page's counts to it.
    summary = RunSummary(
        dataset=entry.slug,
        run_id=run_id,
        status=status,
        mode=plan.mode,
        fetched=run.fetched,
        inserted=run.inserted,
        updated=run.updated,
        unchanged=run.unchanged,
        rejected=run.rejected,
        skipped=run.skipped,
        duplicates=run.duplicates,
        cursor_before=plan.cursor_before,
        cursor_after=cursor_after,
        error=error,
    )
    if progress is not None:
        progress.finished(summary)
    return summary


def _after_run(engine: Engine, entry: CatalogEntry, clock: Clock) -> str | None:
    """Run the kind's once-per-run steps over what the committed pages wrote, whatever the
    run's outcome; the error that stopped them, or None."""
    try:
        with engine.begin() as conn:
            for step in kind_of(entry).after_run:
                step(conn, entry, now=clock())
    except Exception as exc:  # the pages are committed: say what failed, keep the run's log
        log.warning("ingest %s: after-run step failed: %s", entry.slug, exc)
        log.debug("ingest %s: after-run step failed", entry.slug, exc_info=exc)
        return _outcome(exc)[1]
    return None


def _outcome(exc: Exception) -> tuple[RunStatus, str]:
    """The run status an exception ends a sync with, and its one-line message."""
    if isinstance(exc, IncompleteReadError):
        return "incomplete", str(exc)
    if isinstance(exc, SchemaDriftError):
        return "drifted", str(exc)
    if isinstance(exc, SourceError | PermitdbError):
        return "failed", f"{type(exc).__name__}: {exc}"
    # A bug or a portal answer no connector foresaw: say so in one line, keep the traceback
    # in the debug log, and let the next dataset run.
    first_line = (str(exc).splitlines() or [""])[0][:300]
    return "failed", (
        f"unexpected {type(exc).__name__}: {first_line}. The portal answered something permitdb "
        "does not understand; rerun with --log-level debug for the traceback and report it."
    )


def ingest_catalog(
    engine: Engine,
    entries: Sequence[CatalogEntry],
    client: HttpClient,
    *,
    full: bool = False,
    origin: CursorOrigin = "live",
    progress: IngestProgress | None = None,
    wait_s: float = 0.0,
) -> list[RunSummary]:
    """Sync several datasets in turn; one dataset's failure does not stop the others, nor does
    one that another process is syncing (its summary is ``busy``)."""
    summaries = []
    for entry in entries:
        source = build_source(entry, client)
        try:
            summary = ingest_dataset(
                engine, entry, source, full=full, origin=origin, progress=progress, wait_s=wait_s
            )
        except DatasetBusyError as busy:
            summary = _busy_summary(entry.slug, str(busy))
        summaries.append(summary)
    return summaries


def _busy_summary(dataset: str, error: str) -> RunSummary:
    return RunSummary(
        dataset=dataset,
        run_id=None,
        status="busy",
        mode="-",
        **dict.fromkeys(ingest_state.RUN_COUNTERS, 0),
        cursor_before=None,
        cursor_after=None,
        error=error,
    )


def _safe_count(source: Source, since: str | None) -> int | None:
    """The portal's record count for the progress bar; a failing count never fails the run."""
    try:
        return source.count(since=since)
    except SourceError as exc:
        log.info("count unavailable: %s", exc)
        return None
