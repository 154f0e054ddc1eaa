"""Records the database refuses are quarantined one by one; the rest of the page loads.

PostgreSQL aborts a transaction on a number beyond its column or a text its full-text index
cannot hold; SQLite stores them. Either way no record may block its dataset.
"""

from __future__ import annotations

import itertools
import json
import string
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.ingest.run import RunSummary, ingest_dataset
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store import tables


def file_entry(path: Path, **changes: Any) -> CatalogEntry:
    return CatalogEntry.model_validate(
        {
            "dataset": "poison-test",
            "name": "Poison test",
            "jurisdiction": {
                "slug": "austin-tx",
                "name": "Austin",
                "state": "TX",
                "timezone": "America/Chicago",
            },
            "source": {"platform": "file", "url": str(path), "format": "ndjson"},
            "primary_key": ["id"],
            "page_size": 10,
            "fields": {
                "permit_number": "id",
                "description": "description",
                "valuation": {"source": "valuation", "convert": "money"},
                "housing_units": {"source": "units", "convert": "integer"},
            },
            "recording": {"path": "unused"},
            **changes,
        }
    )


def sync(engine: Engine, entry: CatalogEntry) -> RunSummary:
    with HttpClient() as client:
        return ingest_dataset(engine, entry, build_source(entry, client))


def write_ndjson(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def distinct_words(total_bytes: int) -> str:
    """Text of distinct letter-only words (no stemming merges them) about ``total_bytes`` long."""
    words = ("".join(letters) for letters in itertools.product(string.ascii_lowercase, repeat=5))
    return " ".join(itertools.islice(words, total_bytes // 6))


def quarantined(engine: Engine) -> dict[str, tuple[str, str]]:
    table = tables.quarantine
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.source_record_id, table.c.reason_code, table.c.message)
        )
        return {row.source_record_id: (row.reason_code, row.message) for row in rows}


def loaded(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(tables.permits.c.source_record_id)).scalars())


def test_numbers_beyond_their_columns_are_refused_on_both_engines(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "permits.ndjson"
    write_ndjson(
        path,
        [
            {"id": "good-1", "description": "re-roof", "valuation": "12000", "units": "1"},
            {"id": "huge-valuation", "description": "tower", "valuation": "100000000000000"},
            {"id": "huge-units", "description": "city", "units": str(2**31)},
            {"id": "nul-key", "description": "fence", "odd\x00column": "x"},
            {"id": "good-2", "description": "deck", "valuation": "99999999999999.99"},
        ],
    )
    entry = file_entry(path)

    summary = sync(engine, entry)

    assert (summary.status, summary.error) == ("succeeded", None)
    assert (summary.inserted, summary.rejected) == (3, 2)
    assert loaded(engine) == ["good-1", "good-2", "nul-key"]
    refused = quarantined(engine)
    assert sorted(refused) == ["huge-units", "huge-valuation"]
    assert all(code == "database_refused" for code, _ in refused.values())
    assert "valuation 100000000000000" in refused["huge-valuation"][1]
    assert "housing_units 2147483648" in refused["huge-units"][1]
    with engine.connect() as conn:
        raw = conn.execute(
            sa.select(tables.permits.c.raw).where(tables.permits.c.source_record_id == "nul-key")
        ).scalar_one()
    assert raw["odd\ufffdcolumn"] == "x"

    again = sync(engine, entry)  # the dataset is not blocked: the rerun succeeds too
    assert (again.status, again.unchanged, again.rejected) == ("succeeded", 3, 2)


def test_a_text_the_database_refuses_is_quarantined_alone(engine: Engine, tmp_path: Path) -> None:
    """About 1 MB of distinct words overflows PostgreSQL's tsvector (SQLite's FTS5 takes it)."""
    path = tmp_path / "permits.ndjson"
    write_ndjson(
        path,
        [
            {"id": "good-1", "description": "re-roof"},
            {"id": "long", "description": distinct_words(1_100_000)},
            {"id": "good-2", "description": "deck"},
        ],
    )

    summary = sync(engine, file_entry(path))

    assert (summary.status, summary.error) == ("succeeded", None)
    if engine.dialect.name == "postgresql":
        assert loaded(engine) == ["good-1", "good-2"]
        code, message = quarantined(engine)["long"]
        assert code == "database_refused"
        assert "tsvector" in message
    else:
        assert loaded(engine) == ["good-1", "good-2", "long"]
        assert quarantined(engine) == {}


def test_a_short_page_the_database_refuses_whole_does_not_block_the_dataset(
    engine: Engine, tmp_path: Path
) -> None:
    """Two oversized descriptions alone on the last page: quarantined on PostgreSQL, not a
    failure that every rerun would hit again."""
    path = tmp_path / "permits.ndjson"
    rows = [{"id": f"good-{n}", "description": "deck"} for n in range(10)]
    rows += [{"id": f"long-{n}", "description": distinct_words(1_100_000)} for n in range(2)]
    write_ndjson(path, rows)

    for _ in range(2):
        summary = sync(engine, file_entry(path))
        assert (summary.status, summary.error) == ("succeeded", None)
    expected = 10 if engine.dialect.name == "postgresql" else 12
    assert len(loaded(engine)) == expected
