"""Text encodings: declared in the catalog, and an undecodable or malformed line costs one
record, never the file (local files and over HTTP through the replay portal)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_poison import file_entry, loaded, sync

from permitdb.catalog.model import CatalogEntry
from permitdb.ingest.run import RunSummary, ingest_dataset
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store import tables
from permitdb.testing.portal import ReplayPortal

LATIN1_CSV = "id,description\nA-1,re-roof\nA-2,caf\u00e9 remodel\nA-3,deck\nA-4,se\u00f1al sign\n"


def csv_entry(url: str, **source: Any) -> CatalogEntry:
    entry = file_entry(Path(url))
    config = entry.source.model_copy(update={"url": url, "format": "csv", **source})
    return entry.model_copy(update={"source": config})


def descriptions(engine: Engine) -> dict[str, str]:
    table = tables.permits
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(table.c.source_record_id, table.c.description)).all())


def rejected(engine: Engine) -> list[tuple[str | None, str, str, bool]]:
    table = tables.quarantine
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                table.c.source_record_id,
                table.c.reason_code,
                table.c.message,
                table.c.resolved_at.is_not(None),
            ).order_by(table.c.id)
        )
        return [tuple(row) for row in rows]


def test_a_latin1_csv_loads_with_its_declared_encoding(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "permits.csv"
    path.write_bytes(LATIN1_CSV.encode("latin-1"))

    summary = sync(engine, csv_entry(str(path), encoding="latin-1"))

    assert (summary.status, summary.inserted, summary.rejected) == ("succeeded", 4, 0)
    assert descriptions(engine)["A-2"] == "caf\u00e9 remodel"
    assert descriptions(engine)["A-4"] == "se\u00f1al sign"


def test_undeclared_latin1_rows_are_rejected_until_the_encoding_is_set(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "permits.csv"
    path.write_bytes(LATIN1_CSV.encode("latin-1"))

    summary = sync(engine, csv_entry(str(path)))

    assert (summary.status, summary.inserted, summary.rejected) == ("succeeded", 2, 2)
    assert sorted(descriptions(engine)) == ["A-1", "A-3"]  # no mojibake stored
    refused = rejected(engine)
    assert [(key, code) for key, code, _, _ in refused] == [
        ("A-2", "undecodable_record"),
        ("A-4", "undecodable_record"),
    ]
    assert "line 3: byte 0xe9" in refused[0][2]
    assert "set source.encoding" in refused[0][2]

    fixed = sync(engine, csv_entry(str(path), encoding="latin-1"))

    assert (fixed.status, fixed.inserted, fixed.unchanged) == ("succeeded", 2, 2)
    assert descriptions(engine)["A-2"] == "caf\u00e9 remodel"
    assert all(resolved for *_, resolved in rejected(engine))


def test_latin1_over_http_is_rejected_not_stored_as_mojibake(
    engine: Engine, tmp_path: Path
) -> None:
    """The replay portal declares charset=utf-8 for a CSV, as a careless server would."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "permits.csv").write_bytes(LATIN1_CSV.encode("latin-1"))
    recording = {"path": "files/permits.csv", "min_rows": 1}

    def over_http(**source: Any) -> RunSummary:
        entry = csv_entry("https://files.example.org/permits.csv", **source)
        entry = entry.model_copy(update={"recording": entry.recording.model_copy(update=recording)})
        with (
            ReplayPortal([entry], tmp_path) as portal,
            HttpClient(origin_map=portal.origin_map) as client,
        ):
            return ingest_dataset(engine, entry, build_source(entry, client))

    first = over_http()
    assert (first.status, first.inserted, first.rejected) == ("succeeded", 2, 2)
    assert "\ufffd" not in "".join(descriptions(engine).values())

    fixed = over_http(encoding="latin-1")
    assert (fixed.status, fixed.inserted) == ("succeeded", 2)
    assert descriptions(engine)["A-4"] == "se\u00f1al sign"


def test_bad_ndjson_lines_are_quarantined_and_the_rest_of_the_file_loads(
    engine: Engine, tmp_path: Path
) -> None:
    good = [json.dumps({"id": f"A-{n}", "description": "deck"}) for n in range(1, 5)]
    path = tmp_path / "permits.ndjson"
    path.write_bytes(
        b"\n".join(
            [
                good[0].encode(),
                b'{"id": "T-1", "description": "trunc',  # a truncated export
                good[1].encode(),
                b'{"id": "S-1", "description": "x\\ud800y"}',  # a lone surrogate escape
                good[2].encode(),
                '{"id": "B-1", "description": "caf\u00e9"}'.encode("latin-1"),  # a bad byte
                good[3].encode(),
            ]
        )
        + b"\n"
    )

    summary = sync(engine, file_entry(path))

    assert (summary.status, summary.inserted, summary.rejected) == ("succeeded", 4, 3)
    assert loaded(engine) == ["A-1", "A-2", "A-3", "A-4"]
    refused = rejected(engine)
    assert [(key, code) for key, code, _, _ in refused] == [
        (None, "malformed_line"),
        (None, "malformed_line"),
        ("B-1", "undecodable_record"),
    ]
    assert "line 2 is not valid JSON" in refused[0][2]
    assert "line 4 is not valid JSON" in refused[1][2]
    with engine.connect() as conn:
        lines = conn.execute(sa.select(tables.quarantine.c.raw)).scalars().all()
    assert lines[0]["@line"].startswith('{"id": "T-1"')

    again = sync(engine, file_entry(path))  # nothing blocks the dataset
    assert (again.status, again.unchanged, again.rejected) == ("succeeded", 4, 3)
