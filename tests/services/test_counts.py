"""CountCache: a count is served from memory until the data version moves, then recounted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.services.counts import CountCache
from permitdb.store.datasets import register_datasets
from permitdb.store.permits import upsert_permits
from permitdb.store.places import value_counts

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
AUSTIN = CatalogEntry.model_validate(
    {
        "dataset": "issued-construction-permits",
        "name": "Issued construction permits",
        "jurisdiction": {
            "slug": "austin-tx",
            "name": "Austin",
            "state": "TX",
            "timezone": "America/Chicago",
        },
        "source": {"platform": "file", "url": "permits.csv", "format": "csv"},
        "fields": {"permit_number": "PERMIT_NO"},
        "recording": {"path": "file/austin-tx/permits.csv"},
    }
)


class Counter:
    """A count that remembers how often it ran."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, conn: Connection) -> dict[str, int]:
        self.runs += 1
        return value_counts(conn, "city")


def store(engine: Engine, *records: PermitRecord) -> None:
    with engine.begin() as conn:
        register_datasets(conn, [AUSTIN], now=NOW, source_url_for=lambda e: "x")
        upsert_permits(conn, records, now=NOW)


def test_counted_once_per_data_version(
    engine: Engine, make_record: Callable[..., PermitRecord]
) -> None:
    store(engine, make_record(city="AUSTIN"))
    cache, count = CountCache(), Counter()
    assert cache.get(engine, "cities", count) == {"AUSTIN": 1}
    assert cache.get(engine, "cities", count) == {"AUSTIN": 1}
    assert count.runs == 1
    store(engine, make_record(city="AUSTIN"), make_record(city="ROUND ROCK"))
    assert cache.get(engine, "cities", count) == {"AUSTIN": 2, "ROUND ROCK": 1}
    assert count.runs == 2


def test_bounded_in_entries_and_age(
    engine: Engine, make_record: Callable[..., PermitRecord]
) -> None:
    store(engine, make_record(city="AUSTIN"))
    small, count = CountCache(max_entries=2), Counter()
    for key in ("a", "b", "c", "a"):  # "a" was dropped for "c", so it is counted again
        small.get(engine, key, count)
    assert count.runs == 4
    aged, again = CountCache(max_age=0), Counter()
    aged.get(engine, "cities", again)
    aged.get(engine, "cities", again)
    assert again.runs == 2
