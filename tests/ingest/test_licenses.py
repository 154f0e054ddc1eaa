"""Contractor licences end to end: each board's recording through its real connector and the
replay portal into ``contractor_licenses``, on both engines."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_run import FailsAfterFirstPage, catalog_entry, ingest, kill_midway

from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import CatalogEntry, Recording
from permitdb.ingest.run import ingest_dataset
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store import tables
from permitdb.testing.portal import ReplayPortal, default_recordings_dir
from permitdb.testing.recordings import read_recording

LICENCE_ENTRIES = [entry for entry in load_catalog() if entry.kind == "contractor_licenses"]
licences = tables.contractor_licenses


def stored_licences(engine: Engine, dataset: str) -> dict[str, sa.Row[tuple[str, str, str]]]:
    query = sa.select(
        licences.c.source_record_id, licences.c.content_hash, licences.c.updated_at
    ).where(licences.c.dataset == dataset)
    with engine.connect() as conn:
        return {row.source_record_id: row for row in conn.execute(query)}


def licence_count(engine: Engine, dataset: str) -> int:
    query = sa.select(sa.func.count()).select_from(licences).where(licences.c.dataset == dataset)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def contractor_links(engine: Engine, dataset: str) -> dict[str, str | None]:
    """source_record_id -> the contractor its licence resolved to."""
    query = sa.select(licences.c.source_record_id, licences.c.contractor_id).where(
        licences.c.dataset == dataset
    )
    with engine.connect() as conn:
        return {row.source_record_id: row.contractor_id for row in conn.execute(query)}


def test_every_licence_board_is_bundled() -> None:
    boards = {entry.jurisdiction.slug for entry in LICENCE_ENTRIES}
    assert {"california", "florida", "texas", "oregon", "washington", "new-york-city-ny"} <= boards


@pytest.mark.parametrize("entry", LICENCE_ENTRIES, ids=lambda e: e.slug)
def test_each_board_loads_every_row_and_a_re_sync_inserts_nothing(
    engine: Engine, entry: CatalogEntry
) -> None:
    recorded = read_recording(entry, default_recordings_dir())
    first = ingest(engine, entry.model_copy(update={"page_size": 500}))

    assert (first.status, first.error) == ("succeeded", None)
    assert first.fetched == len(recorded)
    assert (first.inserted, first.rejected) == (len(recorded), 0)
    rows = stored_licences(engine, entry.slug)
    assert len(rows) == len(recorded)
    with engine.connect() as conn:
        states = set(conn.execute(sa.select(licences.c.license_state).distinct()).scalars())
    assert states == {entry.jurisdiction.state}
    links = contractor_links(engine, entry.slug)
    assert None not in links.values()  # the after-write step resolved every licence

    second = ingest(engine, entry.model_copy(update={"page_size": 500}), full=True)

    assert second.status == "succeeded"
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, len(recorded))
    assert stored_licences(engine, entry.slug) == rows
    assert contractor_links(engine, entry.slug) == links  # ids are stable across re-syncs


def test_a_column_shifted_row_is_quarantined_with_its_reason_while_the_rest_load(
    engine: Engine, tmp_path: Path
) -> None:
    """A real CSLB row that lost its first cell: every value slides one column left."""
    entry = catalog_entry("california/cslb-license-master")
    source = default_recordings_dir() / entry.recording.path
    with source.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    shifted_number = rows[5][0]
    rows[5] = rows[5][1:]
    copy = tmp_path / entry.recording.path
    copy.parent.mkdir(parents=True)
    with copy.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    entry = entry.model_copy(
        update={"recording": Recording(path=entry.recording.path, min_rows=len(rows))}
    )

    summary = ingest(engine, entry, tmp_path)

    assert summary.status == "succeeded"
    assert (summary.fetched, summary.rejected) == (len(rows), 1)
    assert summary.inserted == len(rows) - 1
    assert shifted_number not in stored_licences(engine, entry.slug)
    with engine.connect() as conn:
        (reject,) = conn.execute(
            sa.select(
                tables.quarantine.c.reason_code,
                tables.quarantine.c.field,
                tables.quarantine.c.raw,
            )
        ).all()
    # the business name slid into the last-update column: the first field that cannot be read
    assert (reject.reason_code, reject.field) == ("unparseable_date", "source_updated_at")
    assert reject.raw["licenseNo"] == rows[5][0]  # the last-update date, slid into the number


def test_an_interrupted_sync_resumes_without_duplicates(engine: Engine) -> None:
    entry = catalog_entry("florida/dbpr-construction-licensees", page_size=300)
    total = len(read_recording(entry, default_recordings_dir()))
    with ReplayPortal([entry]) as portal, HttpClient(origin_map=portal.origin_map) as client:
        failed = ingest_dataset(engine, entry, FailsAfterFirstPage(build_source(entry, client)))
        assert len(stored_licences(engine, entry.slug)) == 300
        resumed = ingest_dataset(engine, entry, build_source(entry, client))

    assert (failed.status, failed.fetched) == ("failed", 300)
    assert (resumed.status, resumed.mode) == ("succeeded", "resumed")
    assert failed.fetched + resumed.fetched == total
    assert resumed.inserted == total - 300
    assert licence_count(engine, entry.slug) == len(stored_licences(engine, entry.slug)) == total


def test_a_killed_sync_resumes_with_no_duplicates_and_no_loss(
    engine: Engine, database_url: str
) -> None:
    slug, page_size = "florida/dbpr-construction-licensees", 100
    entry = catalog_entry(slug, page_size=page_size)
    total = len(read_recording(entry, default_recordings_dir()))
    kill_midway(database_url, slug, page_size, lambda: licence_count(engine, slug) >= total // 4)
    killed_at = licence_count(engine, slug)
    assert 0 < killed_at < total

    resumed = ingest(engine, entry)

    assert (resumed.status, resumed.mode) == ("succeeded", "resumed")
    assert resumed.fetched < total  # it did not start over
    assert licence_count(engine, slug) == len(stored_licences(engine, slug)) == total
    with engine.connect() as conn:
        statuses = sorted(
            conn.execute(
                sa.select(tables.ingest_runs.c.status).where(tables.ingest_runs.c.dataset == slug)
            ).scalars()
        )
    assert statuses == ["interrupted", "succeeded"]
