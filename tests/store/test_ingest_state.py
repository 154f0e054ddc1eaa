"""Sync bookkeeping: runs, resume points, quarantine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.store.ingest_state import (
    Rejected,
    SyncState,
    finish_run,
    list_quarantine,
    list_runs,
    load_state,
    quarantine,
    save_page,
    start_run,
)
from permitdb.store.permits import UpsertCounts
from permitdb.store.quarantine import resolve_loaded

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
FIELDS = {"id": {"kinds": ["scalar"], "always": True}}


def run_two_pages(engine: Engine, dataset: str, *, since: str | None) -> int:
    with engine.begin() as conn:
        run_id = start_run(conn, dataset, mode="incremental", cursor_before=since, now=NOW)
    for page in (1, 2):
        with engine.begin() as conn:
            save_page(
                conn,
                dataset,
                run_id=run_id,
                since=since,
                resume={"offset": page * 1000},
                pending_cursor_value=f"2026-03-1{page}T00:00:00Z",
                source_fields=FIELDS,
                fetched=1000,
                counts=UpsertCounts(inserted=900, updated=60, unchanged=30),
                rejected=10,
                skipped=7,
                duplicates=3,
                now=NOW + timedelta(minutes=page),
            )
    return run_id


def test_pages_advance_the_resume_point_and_add_up(engine: Engine, austin: CatalogEntry) -> None:
    with engine.connect() as conn:
        assert load_state(conn, austin.slug) is None
    run_id = run_two_pages(engine, austin.slug, since="2026-03-01T00:00:00Z")
    with engine.connect() as conn:
        state = load_state(conn, austin.slug)
        [run] = list_runs(conn, austin.slug)
    assert state == SyncState(
        dataset=austin.slug,
        cursor_value=None,
        pending_cursor_value="2026-03-12T00:00:00Z",
        since="2026-03-01T00:00:00Z",
        resume={"offset": 2000},
        run_id=run_id,
        origin="live",
        source_fields=FIELDS,
    )
    assert (run.id, run.status, run.mode, run.started_at) == (run_id, "running", "incremental", NOW)
    assert (run.fetched, run.inserted, run.updated, run.unchanged, run.rejected) == (
        2000,
        1800,
        120,
        60,
        20,
    )
    assert (run.skipped, run.duplicates) == (14, 6)
    assert run.finished_at is None


def test_success_moves_the_cursor_and_clears_the_resume_point(
    engine: Engine, austin: CatalogEntry
) -> None:
    run_id = run_two_pages(engine, austin.slug, since=None)
    later = NOW + timedelta(hours=1)
    with engine.begin() as conn:
        finish_run(
            conn,
            austin.slug,
            run_id=run_id,
            status="succeeded",
            cursor_after="2026-03-12T00:00:00Z",
            error=None,
            now=later,
        )
        state = load_state(conn, austin.slug)
        [run] = list_runs(conn)
    assert state == SyncState(
        austin.slug,
        "2026-03-12T00:00:00Z",
        None,
        None,
        None,
        run_id,
        origin="live",
        source_fields=FIELDS,
    )
    assert (run.status, run.finished_at, run.cursor_after) == (
        "succeeded",
        later,
        "2026-03-12T00:00:00Z",
    )


def test_failure_keeps_the_resume_point_for_the_next_run(
    engine: Engine, austin: CatalogEntry
) -> None:
    first = run_two_pages(engine, austin.slug, since="2026-03-01T00:00:00Z")
    with engine.begin() as conn:
        finish_run(
            conn,
            austin.slug,
            run_id=first,
            status="interrupted",
            cursor_after=None,
            error="KeyboardInterrupt",
            now=NOW,
        )
        second = start_run(conn, austin.slug, mode="resumed", cursor_before=None, now=NOW)
        state = load_state(conn, austin.slug)
        runs = list_runs(conn, austin.slug)
    assert state is not None
    assert (state.resume, state.since, state.run_id) == (
        {"offset": 2000},
        "2026-03-01T00:00:00Z",
        second,
    )
    assert [(r.id, r.status, r.error) for r in runs] == [
        (second, "running", None),
        (first, "interrupted", "KeyboardInterrupt"),
    ]
    with engine.connect() as conn:
        assert list_runs(conn, "chicago-il/none") == []
        assert len(list_runs(conn, limit=1)) == 1


def test_quarantine_is_idempotent_per_record_and_reason(
    engine: Engine, austin: CatalogEntry
) -> None:
    raw = {"PERMIT_NO": "BP-1", "ISSUE_DATE": "31/31/2026", "NOTE": "Caf\ufffd"}
    bad_date = Rejected("BP-1", "date_unparseable", "ISSUE_DATE: '31/31/2026'", "issued_date", raw)
    no_id = Rejected(None, "missing_required", "permit_number is empty", "permit_number", {"X": 1})
    with engine.begin() as conn:
        run_id = start_run(conn, austin.slug, mode="full", cursor_before=None, now=NOW)
        assert quarantine(conn, austin.slug, run_id=run_id, rejects=[bad_date, no_id], now=NOW) == 2
        # the same record again, keys in another order, plus the same record for a new reason
        again = Rejected(
            "BP-1", "date_unparseable", "again", "issued_date", dict(reversed(raw.items()))
        )
        other = Rejected("BP-1", "pattern_mismatch", "bad number", "permit_number", raw)
        assert quarantine(conn, austin.slug, run_id=run_id, rejects=[again, other], now=NOW) == 1
        assert quarantine(conn, austin.slug, run_id=run_id, rejects=[], now=NOW) == 0
        rows = list_quarantine(conn, austin.slug)
    assert [(r.source_record_id, r.reason_code) for r in rows] == [
        ("BP-1", "pattern_mismatch"),
        (None, "missing_required"),
        ("BP-1", "date_unparseable"),
    ]
    stored = rows[2]
    assert (stored.raw, stored.message, stored.field, stored.run_id, stored.created_at) == (
        raw,
        "ISSUE_DATE: '31/31/2026'",
        "issued_date",
        run_id,
        NOW,
    )
    with engine.connect() as conn:
        assert len(list_quarantine(conn, limit=2)) == 2
    with engine.begin() as conn:
        assert resolve_loaded(conn, austin.slug, ["BP-1"], now=NOW) == 2
        assert [r.source_record_id for r in list_quarantine(conn, open_only=True)] == [None]
        assert {r.resolved_at for r in list_quarantine(conn) if r.source_record_id} == {NOW}
        # rejected again after it loaded: open again
        quarantine(conn, austin.slug, run_id=run_id, rejects=[bad_date], now=NOW)
        assert len(list_quarantine(conn, open_only=True)) == 2
