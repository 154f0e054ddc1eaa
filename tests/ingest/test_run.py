"""Ingest end to end: real connectors over the replay portal into both databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_poison import file_entry, sync

from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry, Recording
from permitdb.errors import RetriableSourceError
from permitdb.ingest.run import RunSummary, ingest_dataset
from permitdb.sources.base import Page, ResumeToken, Source
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store import ingest_state, tables
from permitdb.store.datasets import register_datasets
from permitdb.testing.portal import ReplayPortal, default_recordings_dir


def catalog_entry(slug: str, **changes: object) -> CatalogEntry:
    (entry,) = select_entries(load_catalog(), [slug])
    return entry.model_copy(update=changes)


def ingest(
    engine: Engine, entry: CatalogEntry, recordings: Path | None = None, **kw: bool
) -> RunSummary:
    with (
        ReplayPortal([entry], recordings) as portal,
        HttpClient(origin_map=portal.origin_map) as client,
    ):
        return ingest_dataset(engine, entry, build_source(entry, client), **kw)


def stored(engine: Engine, dataset: str) -> list[sa.Row[tuple[str, str]]]:
    query = sa.select(tables.permits.c.source_record_id, tables.permits.c.content_hash).where(
        tables.permits.c.dataset == dataset
    )
    with engine.connect() as conn:
        return list(conn.execute(query))


def test_first_sync_inserts_every_record_and_a_second_rewrites_nothing(engine: Engine) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits", page_size=5)

    first = ingest(engine, entry)
    assert (first.status, first.error) == ("succeeded", None)
    assert first.fetched == entry.recording.min_rows
    assert first.inserted + first.rejected == first.fetched
    rows_before = stored(engine, entry.slug)
    assert len(rows_before) == first.inserted

    with engine.connect() as conn:
        updated_at_before = dict(
            conn.execute(sa.select(tables.permits.c.id, tables.permits.c.updated_at)).all()
        )

    second = ingest(engine, entry, full=True)
    assert second.status == "succeeded"
    assert second.mode == "full"
    assert (second.inserted, second.updated) == (0, 0)
    assert second.unchanged == first.inserted
    assert sorted(stored(engine, entry.slug)) == sorted(rows_before)
    with engine.connect() as conn:
        updated_at_after = dict(
            conn.execute(sa.select(tables.permits.c.id, tables.permits.c.updated_at)).all()
        )
    assert updated_at_after == updated_at_before


def test_an_incremental_sync_reads_only_from_the_cursor(engine: Engine) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits", page_size=5)
    assert entry.cursor is not None
    first = ingest(engine, entry)
    assert first.cursor_after is not None

    second = ingest(engine, entry)

    assert second.mode == "incremental"
    assert second.cursor_before == first.cursor_after
    assert 0 < second.fetched < first.fetched  # the lag window re-reads the newest rows only
    assert (second.inserted, second.updated) == (0, 0)
    assert second.cursor_after == first.cursor_after


def test_every_run_is_logged_with_its_counts(engine: Engine) -> None:
    entry = catalog_entry("denver-co/residential-construction-permits", page_size=4)
    summary = ingest(engine, entry)
    with engine.connect() as conn:
        run = conn.execute(
            sa.select(tables.ingest_runs).where(tables.ingest_runs.c.id == summary.run_id)
        ).one()
    assert run.status == "succeeded"
    assert run.finished_at is not None
    assert (run.fetched, run.inserted, run.rejected) == (
        summary.fetched,
        summary.inserted,
        summary.rejected,
    )


def test_malformed_rows_are_quarantined_with_reasons_while_the_rest_load(
    engine: Engine, tmp_path: Path
) -> None:
    """NYC's real column-shifted rows ride along with the real good rows of the same dataset."""
    source_dir = default_recordings_dir() / "socrata" / "new-york-city-ny"
    good = json.loads((source_dir / "dob-now-approved-permits.json").read_text())
    shifted = json.loads((source_dir / "dob-now-approved-permits-shifted-rows.json").read_text())
    mixed = tmp_path / "socrata" / "new-york-city-ny" / "mixed.json"
    mixed.parent.mkdir(parents=True)
    mixed.write_text(json.dumps(good[:7] + shifted[:1] + good[7:] + shifted[1:]))
    entry = catalog_entry(
        "new-york-city-ny/dob-now-approved-permits",
        page_size=6,
        recording=Recording(path="socrata/new-york-city-ny/mixed.json", min_rows=22),
    )

    summary = ingest(engine, entry, tmp_path)

    assert summary.status == "succeeded"
    assert summary.fetched == len(good) + len(shifted)
    assert summary.rejected == len(shifted)
    assert len(stored(engine, entry.slug)) == summary.inserted == len(good)
    with engine.connect() as conn:
        rejects = conn.execute(
            sa.select(tables.quarantine.c.reason_code, tables.quarantine.c.raw)
        ).all()
    assert sorted(r.raw["tracking_number"] for r in rejects) == sorted(
        r["tracking_number"] for r in shifted
    )
    assert all(r.reason_code == "pattern_mismatch" for r in rejects)

    again = ingest(engine, entry, tmp_path, full=True)
    assert again.rejected == len(shifted)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(tables.quarantine)).scalar_one()
            == 2
        )


KILLABLE_INGEST = textwrap.dedent(
    """
    import sys, time
    from permitdb.catalog.load import load_catalog, select_entries
    from permitdb.ingest.run import ingest_dataset
    from permitdb.sources.http import HttpClient
    from permitdb.sources.registry import build_source
    from permitdb.store.engine import create_engine_for
    from permitdb.testing.portal import ReplayPortal

    class Paced:
        # slow enough for the parent to kill us between or inside page transactions
        def started(self, dataset, total): pass
        def advanced(self, dataset, records): time.sleep(0.05)
        def finished(self, summary): pass

    (entry,) = select_entries(load_catalog(), [sys.argv[2]])
    entry = entry.model_copy(update={"page_size": int(sys.argv[3])})
    engine = create_engine_for(sys.argv[1])
    with ReplayPortal([entry]) as portal, HttpClient(origin_map=portal.origin_map) as client:
        ingest_dataset(engine, entry, build_source(entry, client), progress=Paced())
    """
)


def count_rows(engine: Engine, dataset: str) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(tables.permits)
        .where(tables.permits.c.dataset == dataset)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def kill_midway(
    database_url: str, slug: str, page_size: int, far_enough: Callable[[], bool]
) -> None:
    """Run ``slug``'s sync in a child process and SIGKILL it once ``far_enough()``."""
    child = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_INGEST, database_url, slug, str(page_size)],
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    try:
        deadline = time.monotonic() + 60
        while not far_enough():
            assert child.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline, "the ingest made no progress"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()


def test_a_killed_ingest_resumes_with_no_duplicates_and_no_loss(
    engine: Engine, database_url: str
) -> None:
    slug, page_size = "san-francisco-ca/adu-garage-permit-records", 50
    entry = catalog_entry(slug, page_size=page_size)
    total = entry.recording.min_rows
    kill_midway(database_url, slug, page_size, lambda: count_rows(engine, slug) >= total // 4)
    killed_at = count_rows(engine, slug)
    assert 0 < killed_at < total

    resumed = ingest(engine, entry)

    assert resumed.status == "succeeded"
    assert resumed.mode == "resumed"
    assert resumed.fetched < total  # it did not start over
    rows = stored(engine, slug)
    assert len(rows) == len({r.source_record_id for r in rows}) == total
    with engine.connect() as conn:
        statuses = sorted(
            conn.execute(
                sa.select(tables.ingest_runs.c.status).where(tables.ingest_runs.c.dataset == slug)
            ).scalars()
        )
        state = conn.execute(
            sa.select(tables.ingest_state).where(tables.ingest_state.c.dataset == slug)
        ).one()
    assert statuses == ["interrupted", "succeeded"]
    assert state.resume is None


def test_an_unreachable_portal_fails_the_dataset_with_a_message(engine: Engine) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits")
    with ReplayPortal([entry]) as portal:
        portal.fail_next(100, status=404)
        with HttpClient(origin_map=portal.origin_map) as client:
            summary = ingest_dataset(engine, entry, build_source(entry, client))
    assert summary.status == "failed"
    assert summary.error is not None
    assert "FatalSourceError" in summary.error
    assert count_rows(engine, entry.slug) == 0


def test_nul_characters_in_source_text_are_stored_on_both_engines(
    engine: Engine, tmp_path: Path
) -> None:
    """PostgreSQL refuses NUL in text and JSONB; a portal that sends one must not fail a page."""
    rows = [
        {"id": "A-1", "issued": "2026-01-05", "description": "re-roof\x00 with shingles"},
        {"id": "A-2", "issued": "not a date\x00", "description": "fence"},
    ]
    path = tmp_path / "permits.ndjson"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    entry = file_entry(
        path,
        fields={
            "permit_number": "id",
            "issued_date": {"source": "issued", "convert": "date"},
            "description": "description",
        },
    )
    summary = sync(engine, entry)

    assert (summary.status, summary.inserted, summary.rejected) == ("succeeded", 1, 1)
    with engine.connect() as conn:
        stored_row = conn.execute(
            sa.select(tables.permits.c.description, tables.permits.c.raw)
        ).one()
        rejected_raw = conn.execute(sa.select(tables.quarantine.c.raw)).scalar_one()
    assert stored_row.description == "re-roof with shingles"
    assert stored_row.raw["description"] == "re-roof\ufffd with shingles"
    assert rejected_raw["issued"] == "not a date\ufffd"


def test_every_fetched_record_is_accounted_for(engine: Engine) -> None:
    """NYC's owner extract repeats whole rows: they are counted, not silently dropped."""
    entry = catalog_entry("new-york-city-ny/dob-permit-issuance", page_size=250)
    summary = ingest(engine, entry)
    outcomes = (
        summary.inserted,
        summary.updated,
        summary.unchanged,
        summary.rejected,
        summary.skipped,
        summary.duplicates,
    )
    assert summary.duplicates > 0
    assert sum(outcomes) == summary.fetched == entry.recording.min_rows
    assert count_rows(engine, entry.slug) == summary.inserted
    with engine.connect() as conn:
        run = conn.execute(
            sa.select(tables.ingest_runs).where(tables.ingest_runs.c.id == summary.run_id)
        ).one()
    assert (run.skipped, run.duplicates) == (summary.skipped, summary.duplicates)


class FailsAfterFirstPage:
    """A real source that raises ``error`` after its first page (fault injection): by default
    the portal goes away; any other exception stands for a bug or an answer nobody foresaw."""

    def __init__(self, source: Source, error: Exception | None = None) -> None:
        self._source = source
        self._error = error or RetriableSourceError(
            "the portal stopped answering; run the sync again"
        )

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]:
        pages = self._source.pages(since=since, resume=resume)
        yield next(pages)
        raise self._error

    def count(self, *, since: str | None = None) -> int | None:
        return None


def run_statuses(engine: Engine, dataset: str) -> list[tuple[str, str | None]]:
    query = (
        sa.select(tables.ingest_runs.c.status, tables.ingest_runs.c.error)
        .where(tables.ingest_runs.c.dataset == dataset)
        .order_by(tables.ingest_runs.c.id)
    )
    with engine.connect() as conn:
        return [(row.status, row.error) for row in conn.execute(query)]


def test_a_failed_run_keeps_its_status_when_the_next_one_resumes(engine: Engine) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits", page_size=5)
    with ReplayPortal([entry]) as portal, HttpClient(origin_map=portal.origin_map) as client:
        failed = ingest_dataset(engine, entry, FailsAfterFirstPage(build_source(entry, client)))
        resumed = ingest_dataset(engine, entry, build_source(entry, client))

    assert (failed.status, failed.fetched) == ("failed", 5)
    assert resumed.mode == "resumed"
    assert failed.fetched + resumed.fetched == entry.recording.min_rows
    (first_status, first_error), (second_status, _) = run_statuses(engine, entry.slug)
    assert first_status == "failed"
    assert first_error is not None
    assert "portal stopped answering" in first_error
    assert second_status == "succeeded"


def test_an_unexpected_exception_fails_the_dataset_in_one_line_and_moves_no_cursor(
    engine: Engine,
) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits", page_size=5)
    bug = ValueError("features[0] is None\n  a second line a traceback-like repr would add")
    with ReplayPortal([entry]) as portal, HttpClient(origin_map=portal.origin_map) as client:
        failed = ingest_dataset(
            engine, entry, FailsAfterFirstPage(build_source(entry, client), bug)
        )
        resumed = ingest_dataset(engine, entry, build_source(entry, client))

    assert (failed.status, failed.fetched, failed.cursor_after) == ("failed", 5, None)
    assert failed.error is not None
    assert failed.error.startswith("unexpected ValueError: features[0] is None. ")
    assert "\n" not in failed.error
    assert "--log-level debug" in failed.error
    # the committed first page is kept and the next sync goes on after it
    assert resumed.mode == "resumed"
    assert failed.fetched + resumed.fetched == entry.recording.min_rows


def test_a_run_killed_before_its_first_page_is_marked_interrupted(engine: Engine) -> None:
    entry = catalog_entry("austin-tx/issued-construction-permits")
    started = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        register_datasets(conn, [entry], now=started, source_url_for=lambda e: "unused")
        ingest_state.start_run(conn, entry.slug, mode="full", cursor_before=None, now=started)

    summary = ingest(engine, entry)

    assert summary.mode == "full"
    assert [status for status, _ in run_statuses(engine, entry.slug)] == [
        "interrupted",
        "succeeded",
    ]


def test_a_re_sync_keeps_each_changed_field_with_the_run_that_saw_it(
    engine: Engine, tmp_path: Path
) -> None:
    folder = Path("socrata") / "austin-tx"
    rows = json.loads(
        (default_recordings_dir() / folder / "issued-construction-permits.json").read_text()
    )
    (tmp_path / folder).mkdir(parents=True)
    changed = {**rows[3], "status_current": "Final", "number_of_floors": "7"}
    # two files: the replay portal caches a recording by its path
    for name, version in (("before", rows), ("after", [*rows[:3], changed, *rows[4:]])):
        (tmp_path / folder / f"{name}.json").write_text(json.dumps(version))
    entry = catalog_entry("austin-tx/issued-construction-permits", page_size=5)

    def sync(name: str, full: bool) -> RunSummary:
        path = (folder / f"{name}.json").as_posix()
        recording = Recording(path=path, min_rows=len(rows))
        return ingest(
            engine, entry.model_copy(update={"recording": recording}), tmp_path, full=full
        )

    sync("before", full=False)
    second = sync("after", full=True)

    assert second.updated == 1
    changes = tables.permit_changes.c
    with engine.connect() as conn:
        seen = conn.execute(
            sa.select(changes.field, changes.old_value, changes.new_value, changes.run_id)
            .join(tables.permits, tables.permits.c.seq == changes.permit_seq)
            .where(tables.permits.c.permit_number == changed["permit_number"])
        ).all()
    assert sorted(tuple(row) for row in seen) == [
        ("status", '"issued"', '"finaled"', second.run_id),
        ("status_phase", '"open"', '"closed"', second.run_id),
        ("status_raw", '"Active"', '"Final"', second.run_id),
        ("stories", "1", "7", second.run_id),
    ]
