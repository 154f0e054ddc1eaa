"""Sync bookkeeping ingest writes in each page's transaction: runs, resume point, quarantine.

Because the resume point and a page's records commit together, a killed sync restarts right
after its last committed page with nothing lost or written twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store import dialects, tables
from permitdb.store.records import UpsertCounts
from permitdb.store.tables import ingest_runs, ingest_state

# A live portal, or the bundled recordings served by the replay portal (demo, --from-recordings).
CursorOrigin = Literal["live", "recordings"]

RUN_COUNTERS: Final = (
    "fetched",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "skipped",
    "duplicates",
)


@dataclass(frozen=True, slots=True)
class SyncState:
    dataset: str
    cursor_value: str | None  # high-water mark of the last completed sync
    pending_cursor_value: str | None  # high-water mark so far in an unfinished sync
    since: str | None  # the `since` the unfinished sync started with
    resume: dict[str, Any] | None  # where the unfinished sync goes on; None when idle
    run_id: int | None
    origin: str | None  # CursorOrigin of cursor_value and resume; None: not recorded
    source_fields: dict[str, Any] | None  # the schema contract so far (ingest/contract.py)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A source record normalize could not map, with its stable reason code."""

    source_record_id: str | None
    code: str
    message: str
    field: str | None
    raw: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    dataset: str
    started_at: datetime
    finished_at: datetime | None
    status: str  # running | succeeded | failed | incomplete | drifted | interrupted
    mode: str  # incremental | full | resumed
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


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    id: int
    dataset: str
    run_id: int
    source_record_id: str | None
    reason_code: str
    message: str
    field: str | None
    raw: dict[str, Any]
    raw_hash: str
    created_at: datetime
    resolved_at: datetime | None  # the record loaded after all


def load_state(conn: Connection, dataset: str) -> SyncState | None:
    row = conn.execute(
        sa.select(
            ingest_state.c.dataset,
            ingest_state.c.cursor_value,
            ingest_state.c.pending_cursor_value,
            ingest_state.c.since,
            ingest_state.c.resume,
            ingest_state.c.run_id,
            ingest_state.c.origin,
            ingest_state.c.source_fields,
        ).where(ingest_state.c.dataset == dataset)
    ).first()
    return None if row is None else SyncState(**row._mapping)


def forget_sync_point(conn: Connection, dataset: str) -> None:
    """Drop the cursor and resume point, so the next sync reads the whole dataset."""
    conn.execute(
        sa.update(ingest_state)
        .where(ingest_state.c.dataset == dataset)
        .values(cursor_value=None, pending_cursor_value=None, since=None, resume=None)
    )


def start_run(
    conn: Connection,
    dataset: str,
    *,
    mode: str,
    cursor_before: str | None,
    now: datetime,
    origin: CursorOrigin = "live",
) -> int:
    """Log a running sync and point the dataset's state at it; returns the run id.

    The state takes the run's ``origin``: the cursor and resume points it writes are its own.
    """
    run_id: int = conn.execute(
        sa.insert(ingest_runs).returning(ingest_runs.c.id),
        {
            "dataset": dataset,
            "started_at": now,
            "status": "running",
            "mode": mode,
            "cursor_before": cursor_before,
            **dict.fromkeys(RUN_COUNTERS, 0),
        },
    ).scalar_one()
    conn.execute(
        dialects.insert_or_update(
            conn.dialect, ingest_state, ["dataset"], ["run_id", "updated_at", "origin"]
        ),
        {"dataset": dataset, "run_id": run_id, "updated_at": now, "origin": origin},
    )
    return run_id


def save_page(
    conn: Connection,
    dataset: str,
    *,
    run_id: int,
    since: str | None,
    resume: dict[str, Any],
    pending_cursor_value: str | None,
    source_fields: dict[str, Any],
    fetched: int,
    counts: UpsertCounts,
    rejected: int,
    skipped: int,
    duplicates: int,
    now: datetime,
) -> None:
    """Advance the resume point past this page, keep the fields it showed, and add its
    counters to the run."""
    conn.execute(
        sa.update(ingest_state)
        .where(ingest_state.c.dataset == dataset)
        .values(
            run_id=run_id,
            since=since,
            resume=resume,
            pending_cursor_value=pending_cursor_value,
            source_fields=source_fields,
            updated_at=now,
        )
    )
    count_run(
        conn,
        run_id,
        {
            "fetched": fetched,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "rejected": rejected,
            "skipped": skipped,
            "duplicates": duplicates,
        },
    )


def count_run(conn: Connection, run_id: int, added: Mapping[str, int]) -> None:
    """Add to the run's counters (``RUN_COUNTERS`` names)."""
    conn.execute(
        sa.update(ingest_runs)
        .where(ingest_runs.c.id == run_id)
        .values({name: ingest_runs.c[name] + value for name, value in added.items()})
    )


def finish_run(
    conn: Connection,
    dataset: str,
    *,
    run_id: int,
    status: str,
    cursor_after: str | None,
    error: str | None,
    now: datetime,
) -> None:
    """Close the run. Success moves the cursor and clears the resume point; anything else
    keeps the resume point so the next sync goes on from the last committed page."""
    conn.execute(
        sa.update(ingest_runs)
        .where(ingest_runs.c.id == run_id)
        .values(status=status, finished_at=now, cursor_after=cursor_after, error=error)
    )
    state: dict[str, Any] = {"updated_at": now}
    if status == "succeeded":
        state |= {"cursor_value": cursor_after, "pending_cursor_value": None}
        state |= {"since": None, "resume": None}
    conn.execute(sa.update(ingest_state).where(ingest_state.c.dataset == dataset).values(state))


def raw_hash(raw: Mapping[str, Any]) -> str:
    """Identity of a raw record, independent of key order."""
    return hashlib.sha256(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)).hexdigest()


def quarantine(
    conn: Connection, dataset: str, *, run_id: int, rejects: Sequence[Rejected], now: datetime
) -> int:
    """Store rejected records; one already quarantined for the same reason is skipped.

    Returns how many were newly stored.
    """
    if not rejects:
        return 0
    rows = [
        {
            "dataset": dataset,
            "run_id": run_id,
            "source_record_id": reject.source_record_id,
            "reason_code": reject.code,
            "message": reject.message,
            "field": reject.field,
            "raw": dict(reject.raw),
            "raw_hash": raw_hash(reject.raw),
            "created_at": now,
        }
        for reject in rejects
    ]
    insert = dialects.insert_or_ignore(
        conn.dialect, tables.quarantine, ["dataset", "raw_hash", "reason_code"]
    )
    # RETURNING lists only the rows actually inserted; executemany rowcounts are unreliable
    stored = len(conn.execute(insert.returning(tables.quarantine.c.id), rows).all())
    table = tables.quarantine
    conn.execute(  # a record that loaded once and is rejected again is unresolved again
        sa.update(table)
        .where(
            table.c.dataset == dataset,
            table.c.resolved_at.is_not(None),
            sa.tuple_(table.c.raw_hash, table.c.reason_code).in_(
                [(row["raw_hash"], row["reason_code"]) for row in rows]
            ),
        )
        .values(resolved_at=None, run_id=run_id)
    )
    return stored


def get_run(conn: Connection, run_id: int) -> RunRow | None:
    """One run, with the counters its pages added up."""
    row = conn.execute(sa.select(ingest_runs).where(ingest_runs.c.id == run_id)).first()
    return RunRow(**row._mapping) if row is not None else None


def list_runs(conn: Connection, dataset: str | None = None, limit: int = 50) -> list[RunRow]:
    """Latest runs first."""
    statement = sa.select(ingest_runs).order_by(ingest_runs.c.id.desc()).limit(limit)
    if dataset is not None:
        statement = statement.where(ingest_runs.c.dataset == dataset)
    return [RunRow(**row._mapping) for row in conn.execute(statement)]


def list_quarantine(
    conn: Connection, dataset: str | None = None, limit: int = 100, *, open_only: bool = False
) -> list[QuarantineRow]:
    """Latest rejects first; ``open_only`` leaves out those whose record has loaded since."""
    table = tables.quarantine
    statement = sa.select(table).order_by(table.c.id.desc()).limit(limit)
    if dataset is not None:
        statement = statement.where(table.c.dataset == dataset)
    if open_only:
        statement = statement.where(table.c.resolved_at.is_(None))
    return [QuarantineRow(**row._mapping) for row in conn.execute(statement)]
