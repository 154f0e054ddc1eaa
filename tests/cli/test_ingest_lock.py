"""permitdb ingest of a dataset another process is syncing: busy, or queued with --wait."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.ingest.sync_lock import lock_name
from permitdb.settings import get_settings
from permitdb.store import locks, tables
from permitdb.store.engine import create_engine_for

DATASET = "austin-tx/issued-construction-permits"


def hold_until(engine: Engine, held: threading.Event, release: threading.Event) -> None:
    with locks.hold(engine, lock_name(DATASET), wait_s=0):
        held.set()
        assert release.wait(60)


def holding(engine: Engine, release: threading.Event) -> threading.Thread:
    """A thread holding the dataset's sync lock (as another process would) until ``release``."""
    held = threading.Event()
    holder = threading.Thread(target=hold_until, args=(engine, held, release))
    holder.start()
    assert held.wait(10)
    return holder


def test_a_busy_dataset_is_reported_in_one_line_saying_what_to_do(
    runner: CliRunner, data_dir: Path
) -> None:
    # --from-recordings syncs into the demo database, so that is where the lock is held
    assert runner.invoke(app, ["--demo", "db", "migrate"]).exit_code == 0
    engine = create_engine_for(get_settings().resolved_demo_database_url())
    release = threading.Event()
    holder = holding(engine, release)
    try:
        result = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])
    finally:
        release.set()
        holder.join()
    assert result.exit_code == 1, result.output
    assert f"{DATASET} busy:" in result.output
    assert f"being synced by another permitdb (pid {os.getpid()} on " in result.output
    assert "rerun with --wait SECONDS" in result.output
    assert "fix what the message above names" not in result.output
    engine.dispose()


def test_wait_queues_the_sync_behind_the_running_one(runner: CliRunner, data_dir: Path) -> None:
    # --from-recordings syncs into the demo database, so that is where the lock is held
    assert runner.invoke(app, ["--demo", "db", "migrate"]).exit_code == 0
    engine = create_engine_for(get_settings().resolved_demo_database_url())
    release = threading.Event()
    released_at: list[datetime] = []

    def let_go() -> None:
        released_at.append(datetime.now(UTC))
        release.set()

    holder = holding(engine, release)
    threading.Timer(2.0, let_go).start()
    result = runner.invoke(app, ["ingest", DATASET, "--from-recordings", "--wait", "30"])
    holder.join()

    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        started = conn.execute(sa.select(tables.ingest_runs.c.started_at)).scalar_one()
    assert started.replace(tzinfo=UTC) >= released_at[0]
    engine.dispose()
