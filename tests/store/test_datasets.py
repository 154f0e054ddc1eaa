"""Dataset registration and per-jurisdiction statistics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.datasets import (
    DatasetStats,
    JurisdictionStats,
    jurisdiction_stats,
    register_datasets,
)
from permitdb.store.ingest_state import finish_run, start_run
from permitdb.store.permits import upsert_permits
from permitdb.store.tables import datasets

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def test_registering_again_refreshes_but_keeps_the_first_time(
    engine: Engine, austin: CatalogEntry
) -> None:
    renamed = austin.model_copy(update={"name": "Issued permits (all)"})
    with engine.begin() as conn:
        register_datasets(conn, [renamed, renamed], now=NOW, source_url_for=lambda e: "https://x")
        register_datasets(conn, [], now=NOW, source_url_for=lambda e: "https://x")
        rows = conn.execute(sa.select(datasets)).all()
    assert len(rows) == 1
    assert (rows[0].name, rows[0].source_url, rows[0].platform) == (
        "Issued permits (all)",
        "https://x",
        "socrata",
    )
    assert rows[0].registered_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_jurisdiction_stats(
    engine: Engine,
    austin: CatalogEntry,
    register_dataset: Callable[..., CatalogEntry],
    make_record: Callable[..., PermitRecord],
) -> None:
    certificates = register_dataset(
        "austin-tx",
        "certificates-of-occupancy",
        record_class="certificate_of_occupancy",
        source={"platform": "arcgis", "layer_url": "https://gis.example.gov/FeatureServer/0"},
    )
    chicago = register_dataset("chicago-il", "building-permits")
    records = [
        make_record(applied_date=date(2025, 1, 5), issued_date=None),
        make_record(applied_date=None, issued_date=date(2026, 2, 1)),
        make_record(
            dataset=certificates.slug,
            record_class="certificate_of_occupancy",
            applied_date=date(2024, 6, 1),
            issued_date=date(2024, 7, 1),
        ),
    ]
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
        first = start_run(conn, austin.slug, mode="full", cursor_before=None, now=NOW)
        finish_run(
            conn,
            austin.slug,
            run_id=first,
            status="succeeded",
            cursor_after="c1",
            error=None,
            now=NOW + timedelta(minutes=5),
        )
        second = start_run(
            conn, certificates.slug, mode="full", cursor_before=None, now=NOW + timedelta(hours=1)
        )
        finish_run(
            conn,
            certificates.slug,
            run_id=second,
            status="failed",
            cursor_after=None,
            error="HTTP 500",
            now=NOW + timedelta(hours=2),
        )
        start_run(conn, chicago.slug, mode="full", cursor_before=None, now=NOW + timedelta(hours=3))
        stats = jurisdiction_stats(conn)
    austin_datasets = stats[0].by_dataset
    assert [replace(s, by_dataset={}) for s in stats] == [
        JurisdictionStats(
            slug="austin-tx",
            name="Austin",
            state="TX",
            platforms=("arcgis", "socrata"),
            datasets=2,
            records={"permit": 2, "certificate_of_occupancy": 1},
            earliest_applied=date(2024, 6, 1),
            latest_applied=date(2025, 1, 5),
            earliest_issued=date(2024, 7, 1),
            latest_issued=date(2026, 2, 1),
            last_success_at=NOW + timedelta(minutes=5),
            last_run_status="failed",
            last_run_at=NOW + timedelta(hours=2),
        ),
        JurisdictionStats(
            slug="chicago-il",
            name="Chicago",
            state="IL",
            platforms=("socrata",),
            datasets=1,
            last_run_status="running",
            last_run_at=NOW + timedelta(hours=3),
        ),
    ]
    # one failed dataset beside a good one is visible per dataset, with its error
    runs = {
        slug: (d.records, d.last_success_at, d.last_run_status, d.last_run_at, d.last_error)
        for slug, d in austin_datasets.items()
    }
    assert runs == {
        austin.slug: (2, NOW + timedelta(minutes=5), "succeeded", NOW + timedelta(minutes=5), None),
        certificates.slug: (1, None, "failed", NOW + timedelta(hours=2), "HTTP 500"),
    }
    assert austin_datasets[certificates.slug] == DatasetStats(
        slug=certificates.slug,
        name=certificates.name,
        platform="arcgis",
        record_class="certificate_of_occupancy",
        source_url="https://data.example.gov/d/certificates-of-occupancy",
        records=1,
        last_run_id=second,
        last_run_status="failed",
        last_run_at=NOW + timedelta(hours=2),
        last_error="HTTP 500",
    )
    assert stats[1].by_dataset[chicago.slug].last_run_status == "running"
