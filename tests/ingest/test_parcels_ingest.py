"""Assessor rolls ingest like permits: real connectors over the replay portal, both engines."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.catalog.load import load_catalog
from permitdb.store import tables
from permitdb.store.permits import PermitQuery, count_permits
from permitdb.testing.portal import default_recordings_dir

PARCEL_SLUGS = sorted(e.slug for e in load_catalog() if e.kind == "parcels")


def parcel_rows(engine: Engine, dataset: str) -> list[sa.Row[tuple[str, str]]]:
    query = sa.select(tables.parcels.c.parcel_key, tables.parcels.c.content_hash).where(
        tables.parcels.c.dataset == dataset
    )
    with engine.connect() as conn:
        return sorted(conn.execute(query))


def test_every_roll_loads_into_parcels_and_a_second_sync_rewrites_nothing(
    engine: Engine,
) -> None:
    for slug in PARCEL_SLUGS:
        entry = catalog_entry(slug, page_size=3)
        first = ingest(engine, entry)
        assert (first.status, first.error, first.rejected) == ("succeeded", None, 0), slug
        assert first.inserted == first.fetched >= entry.recording.min_rows, slug
        rows = parcel_rows(engine, slug)
        assert len(rows) == first.inserted
        second = ingest(engine, entry, full=True)
        assert (second.inserted, second.updated, second.unchanged) == (0, 0, first.inserted)
        assert parcel_rows(engine, slug) == rows
    with engine.connect() as conn:
        in_permits = conn.scalar(
            sa.select(sa.func.count())
            .select_from(tables.permits)
            .where(tables.permits.c.dataset.in_(PARCEL_SLUGS))
        )
    assert in_permits == 0  # parcels are not permits


def test_a_malformed_row_is_quarantined_and_the_rest_load(engine: Engine, tmp_path: Path) -> None:
    entry = catalog_entry("new-york-city-ny/pluto-tax-lots")
    # the real recording, with the floors of one lot made unreadable
    with (default_recordings_dir() / entry.recording.path).open(encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows, columns = list(reader), reader.fieldnames or []
    rows[1]["numfloors"] = "two"
    target = tmp_path / entry.recording.path
    target.parent.mkdir(parents=True)
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)

    summary = ingest(engine, entry, tmp_path)
    assert summary.status == "succeeded"
    assert (summary.rejected, summary.inserted) == (1, summary.fetched - 1)
    reasons = sa.select(tables.quarantine.c.source_record_id, tables.quarantine.c.reason_code)
    with engine.connect() as conn:
        quarantined = list(conn.execute(reasons.where(tables.quarantine.c.dataset == entry.slug)))
    assert [tuple(row) for row in quarantined] == [(rows[1]["BBL"], "unparseable_number")]


def test_the_bundled_rolls_yield_new_construction_parcels(engine: Engine) -> None:
    slugs = sorted(e.slug for e in load_catalog() if e.record_class == "new_construction_parcel")
    for slug in slugs:
        assert ingest(engine, catalog_entry(slug)).status == "succeeded"
    with engine.connect() as conn:
        count, exact = count_permits(conn, PermitQuery(record_class=("new_construction_parcel",)))
    assert exact
    assert count > 0
