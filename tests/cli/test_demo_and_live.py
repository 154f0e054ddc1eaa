"""Demo and live apart: recordings go to the demo database, and a cursor is only ever used
by syncs of the origin that wrote it.

"Live" here is the replay portal serving a longer history than the bundled recording (from
``tmp_path``), standing in for the portal through ``origin_map`` as everywhere in the suite.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from typer.testing import CliRunner

from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry, Recording
from permitdb.cli.app import app
from permitdb.cli.ingest import run_ingest
from permitdb.ingest.run import RunSummary, ingest_catalog
from permitdb.settings import get_settings
from permitdb.sources.http import HttpClient
from permitdb.store import tables
from permitdb.store.engine import create_engine_for
from permitdb.store.ingest_state import list_runs
from permitdb.testing.portal import ReplayPortal, default_recordings_dir

DATASET = "austin-tx/issued-construction-permits"
LIVE_RECORDING = "socrata/austin-tx/live-history.json"


@pytest.fixture
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    """The CLI's live database is ``database_url``; its data dir (demo.sqlite) is in tmp."""
    monkeypatch.setenv("PERMITDB_DATABASE_URL", database_url)
    get_settings.cache_clear()
    return data_dir


@pytest.fixture
def live_entry(tmp_path: Path) -> CatalogEntry:
    """Austin as the live portal would serve it: the recording's rows and a year before them."""
    recorded = default_recordings_dir() / "socrata" / f"{DATASET}.json"
    rows = json.loads(recorded.read_text())
    older = [
        {
            **row,
            "permit_number": row["permit_number"].replace(" ", "-OLD ", 1),
            "issue_date": row["issue_date"].replace("2026-", "2025-", 1),
        }
        for row in rows
    ]
    path = tmp_path / "live" / LIVE_RECORDING
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(older + rows))
    [entry] = select_entries(load_catalog(), [DATASET])
    recording = Recording(path=LIVE_RECORDING, min_rows=len(older) + len(rows))
    return entry.model_copy(update={"recording": recording, "page_size": 10})


def live_sync(engine: Engine, entry: CatalogEntry, live_dir: Path) -> RunSummary:
    with (
        ReplayPortal([entry], live_dir) as portal,
        HttpClient(origin_map=portal.origin_map) as client,
    ):
        [summary] = ingest_catalog(engine, [entry], client, origin="live")
    return summary


def permit_numbers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.select(tables.permits.c.permit_number)).scalars())


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of what a sync writes, to show a database was left alone."""
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(sa.select(table)))
            for table in (tables.ingest_runs, tables.ingest_state, tables.datasets)
        } | {
            "permits": sorted(
                tuple(row)
                for row in conn.execute(
                    sa.select(tables.permits.c.permit_number, tables.permits.c.content_hash)
                )
            )
        }


def test_the_demo_has_its_own_database_and_a_live_sync_reads_the_whole_history(
    runner: CliRunner, cli_env: Path, engine: Engine, live_entry: CatalogEntry, tmp_path: Path
) -> None:
    demo = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])
    assert demo.exit_code == 0, demo.output
    assert permit_numbers(engine) == set(), "the demo wrote to the live database"
    demo_engine = create_engine_for(f"sqlite:///{cli_env / 'demo.sqlite'}")
    recorded = permit_numbers(demo_engine)
    assert len(recorded) == 17
    before = snapshot(demo_engine)

    live = live_sync(engine, live_entry, tmp_path / "live")

    assert (live.status, live.mode, live.fetched) == ("succeeded", "full", 34)
    assert len(permit_numbers(engine)) == 34
    assert recorded < permit_numbers(engine)
    assert snapshot(demo_engine) == before
    demo_engine.dispose()


def test_a_cursor_from_recordings_never_steers_a_live_sync(
    cli_env: Path,
    engine: Engine,
    live_entry: CatalogEntry,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Recordings and live syncs in one database, as after an operator pointed both settings
    # at one server (or upgraded a database the demo had written to).
    [entry] = select_entries(load_catalog(), [DATASET])
    [demo] = run_ingest(engine, [entry], from_recordings=True, full=False)
    assert demo.status == "succeeded", demo.error
    with engine.connect() as conn:
        origin, cursor = conn.execute(
            sa.select(tables.ingest_state.c.origin, tables.ingest_state.c.cursor_value)
        ).one()
    assert (origin, cursor) == ("recordings", "2026-09-25T00:00:00.000")

    with caplog.at_level(logging.WARNING, logger="permitdb.ingest"):
        live = live_sync(engine, live_entry, tmp_path / "live")

    # Going on from the recording's cursor would have asked only for rows after 2026-09-18.
    assert (live.status, live.mode, live.cursor_before, live.fetched) == (
        "succeeded",
        "full",
        None,
        34,
    )
    assert len(permit_numbers(engine)) == 34
    assert "came from the bundled recordings" in caplog.text
    assert "a live sync never goes on from another origin's cursor" in caplog.text

    again = live_sync(engine, live_entry, tmp_path / "live")
    assert (again.mode, again.cursor_before) == ("incremental", "2026-09-25T00:00:00.000")

    # ... and the other way round: the live cursor does not steer the recordings either.
    [demo_again] = run_ingest(engine, [entry], from_recordings=True, full=False)
    assert demo_again.status == "succeeded", demo_again.error
    with engine.connect() as conn:
        latest = list_runs(conn, DATASET, limit=1)
    assert [(run.mode, run.cursor_before, run.fetched) for run in latest] == [("full", None, 17)]


def test_a_cursor_stored_before_origins_were_recorded_is_not_trusted(
    engine: Engine, live_entry: CatalogEntry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live_sync(engine, live_entry, tmp_path / "live")
    with engine.begin() as conn:  # as the migration leaves every row it finds
        conn.execute(sa.update(tables.ingest_state).values(origin=None))

    with caplog.at_level(logging.WARNING, logger="permitdb.ingest"):
        summary = live_sync(engine, live_entry, tmp_path / "live")

    assert (summary.mode, summary.fetched) == ("full", 34)
    assert "has no recorded origin" in caplog.text
