"""One sync per dataset at a time, across threads and processes, on both engines."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import DatasetBusyError
from permitdb.ingest.run import IngestProgress, RunSummary, ingest_catalog, ingest_dataset
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store import tables
from permitdb.testing.portal import ReplayPortal

SLUG = "austin-tx/issued-construction-permits"


class PausedAfterFirstPage:
    """Progress that holds its sync inside the run (after a committed page) until released."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()

    def started(self, dataset: str, total: int | None) -> None:
        pass

    def advanced(self, dataset: str, records: int) -> None:
        self.inside.set()
        assert self.release.wait(60), "the test never released the paused sync"

    def finished(self, summary: RunSummary) -> None:
        pass


def austin_entry() -> CatalogEntry:
    (entry,) = select_entries(load_catalog(), [SLUG])
    return entry.model_copy(update={"page_size": 5})


def sync(
    engine: Engine, *, wait_s: float = 0.0, progress: IngestProgress | None = None
) -> RunSummary:
    entry = austin_entry()
    with (
        ReplayPortal([entry]) as portal,
        HttpClient(origin_map=portal.origin_map) as client,
    ):
        return ingest_dataset(
            engine,
            entry,
            build_source(entry, client),
            full=True,
            wait_s=wait_s,
            progress=progress,
        )


def runs(engine: Engine) -> list[sa.Row[tuple[int, str, object, object]]]:
    table = tables.ingest_runs
    query = sa.select(table.c.id, table.c.status, table.c.started_at, table.c.finished_at)
    with engine.connect() as conn:
        return list(conn.execute(query.where(table.c.dataset == SLUG).order_by(table.c.id)))


@pytest.fixture
def paused_sync(engine: Engine) -> Iterator[tuple[PausedAfterFirstPage, Future[RunSummary]]]:
    """A sync of SLUG, paused inside its run while the test runs."""
    paused = PausedAfterFirstPage()
    pool = ThreadPoolExecutor(max_workers=1)
    first = pool.submit(sync, engine, progress=paused)
    assert paused.inside.wait(60), "the first sync never reached its first page"
    yield paused, first
    paused.release.set()
    first.result(timeout=60)
    pool.shutdown()


def test_a_second_sync_of_a_busy_dataset_says_who_holds_it(
    engine: Engine, paused_sync: tuple[PausedAfterFirstPage, Future[RunSummary]]
) -> None:
    (running,) = runs(engine)

    with pytest.raises(DatasetBusyError) as busy:
        sync(engine)

    message = str(busy.value)
    assert f"dataset {SLUG} is being synced by run {running.id}" in message
    assert f"pid {os.getpid()}" in message
    assert "--wait SECONDS" in message
    assert [row.status for row in runs(engine)] == ["running"]  # not marked interrupted


def test_ingest_catalog_reports_a_busy_dataset_and_goes_on(
    engine: Engine, paused_sync: tuple[PausedAfterFirstPage, Future[RunSummary]]
) -> None:
    entry = austin_entry()
    with (
        ReplayPortal([entry]) as portal,
        HttpClient(origin_map=portal.origin_map) as client,
    ):
        (summary,) = ingest_catalog(engine, [entry], client)
    assert (summary.status, summary.run_id, summary.fetched) == ("busy", None, 0)
    assert summary.error is not None
    assert "is being synced by run" in summary.error


def test_a_waiting_sync_starts_only_after_the_running_one_ends(
    engine: Engine, paused_sync: tuple[PausedAfterFirstPage, Future[RunSummary]]
) -> None:
    paused, first = paused_sync
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(sync, engine, wait_s=60)
        # It is waiting for the lock: no second run is logged while the first holds it.
        with pytest.raises(TimeoutError):
            second.result(timeout=1.0)
        assert len(runs(engine)) == 1
        paused.release.set()
        assert first.result(timeout=60).status == "succeeded"
        assert second.result(timeout=60).status == "succeeded"

    earlier, later = runs(engine)
    assert (earlier.status, later.status) == ("succeeded", "succeeded")
    assert earlier.finished_at <= later.started_at  # the two never ran at once


HOLDING_SYNC = textwrap.dedent(
    """
    import sys, time
    from permitdb.catalog.load import load_catalog, select_entries
    from permitdb.ingest.run import ingest_dataset
    from permitdb.sources.http import HttpClient
    from permitdb.sources.registry import build_source
    from permitdb.store.engine import create_engine_for
    from permitdb.testing.portal import ReplayPortal

    class Stuck:
        # after the first committed page, say so and hang until killed
        def started(self, dataset, total): pass
        def advanced(self, dataset, records):
            print("inside", flush=True)
            time.sleep(600)
        def finished(self, summary): pass

    (entry,) = select_entries(load_catalog(), [sys.argv[2]])
    entry = entry.model_copy(update={"page_size": 5})
    engine = create_engine_for(sys.argv[1])
    with ReplayPortal([entry]) as portal, HttpClient(origin_map=portal.origin_map) as client:
        ingest_dataset(engine, entry, build_source(entry, client), progress=Stuck())
    """
)


def test_a_sync_in_another_process_blocks_until_that_process_dies(
    engine: Engine, database_url: str
) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HOLDING_SYNC, database_url, SLUG],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "inside", "the other sync never got going"
            since = r"since \d+-\d\d-\d\d \d\d:\d\d:\d\d UTC"
            with pytest.raises(DatasetBusyError, match=rf"\(pid {child.pid} on .+, {since}\)"):
                sync(engine)
        finally:
            child.send_signal(signal.SIGKILL)  # a crash: no chance to release anything

    resumed = sync(engine)

    assert resumed.status == "succeeded"
    assert [row.status for row in runs(engine)] == ["interrupted", "succeeded"]
