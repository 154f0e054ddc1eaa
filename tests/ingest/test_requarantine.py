"""Quarantined rows do not fall behind the cursor, and stale entries are resolved."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_poison import file_entry, loaded, sync, write_ndjson

from permitdb.store import tables


def open_entries(engine: Engine) -> list[str | None]:
    table = tables.quarantine
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(table.c.source_record_id).where(table.c.resolved_at.is_(None))
            ).scalars()
        )


def test_an_entry_is_resolved_when_the_portal_fixes_its_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "permits.ndjson"
    write_ndjson(path, [{"id": "A-1", "valuation": "12000"}, {"id": "A-2", "valuation": "lots"}])
    entry = file_entry(path)
    first = sync(engine, entry)
    assert (first.status, first.inserted, first.rejected) == ("succeeded", 1, 1)
    assert open_entries(engine) == ["A-2"]  # the key is kept though the row was rejected

    write_ndjson(path, [{"id": "A-1", "valuation": "12000"}, {"id": "A-2", "valuation": "900"}])
    second = sync(engine, entry)

    assert (second.status, second.inserted, second.rejected) == ("succeeded", 1, 0)
    assert loaded(engine) == ["A-1", "A-2"]
    assert open_entries(engine) == []


def test_a_catalog_fix_loads_the_quarantined_rows_without_reading_them_again(
    engine: Engine, tmp_path: Path
) -> None:
    """The stored payload is normalized again with the fixed entry at the start of a sync."""
    path = tmp_path / "permits.ndjson"
    write_ndjson(
        path, [{"id": "A-1", "description": "re-roof"}, {"id": "A-2", "description": "deck"}]
    )
    entry = file_entry(path, patterns={"description": "^re-"})
    assert sync(engine, entry).rejected == 1
    assert open_entries(engine) == ["A-2"]

    # the portal no longer lists the row (an incremental sync would not reach it either)
    write_ndjson(path, [{"id": "A-1", "description": "re-roof"}])
    fixed = sync(engine, file_entry(path))

    assert (fixed.status, fixed.inserted, fixed.unchanged) == ("succeeded", 1, 1)
    assert loaded(engine) == ["A-1", "A-2"]
    assert open_entries(engine) == []


def test_a_short_page_of_rejected_rows_alone_is_no_drift(engine: Engine, tmp_path: Path) -> None:
    """Two bad rows of an incremental window (or a last page) prove nothing about the entry."""
    path = tmp_path / "permits.ndjson"
    write_ndjson(path, [{"id": "A-1", "valuation": "lots"}, {"id": "A-2", "valuation": "many"}])

    summary = sync(engine, file_entry(path))

    assert (summary.status, summary.inserted, summary.rejected) == ("succeeded", 0, 2)
    assert sorted(open_entries(engine)) == ["A-1", "A-2"]
