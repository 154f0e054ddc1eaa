"""The benchmark's export entries run the real exporter and report rows/s; nothing is timed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bench.budgets import export_budgets
from bench.export_bench import FORMATS, run_export, run_raw_export
from bench.report import ExportResult, Machine, Report, render_markdown
from sqlalchemy import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.load import load_catalog
from permitdb.services.exports import EXPORT_COLUMNS
from permitdb.store.datasets import register_datasets
from permitdb.store.permits import upsert_permits

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_each_format_exports_the_database(engine: Engine) -> None:
    told: list[int] = []
    results = [run_export(engine, export_format, told.append) for export_format in FORMATS]
    assert [r.format for r in results] == ["csv", "ndjson", "parquet"]
    assert all(r.rows == 0 for r in results)
    assert told == [0, 0, 0]  # one empty page each
    csv, ndjson, parquet = results
    assert csv.bytes == len(",".join(c.name for c in EXPORT_COLUMNS)) + 2  # header and CRLF
    assert ndjson.bytes == 0
    assert parquet.bytes > 0


def test_each_format_exports_a_stored_permit(
    engine: Engine, make_record: Callable[..., PermitRecord]
) -> None:
    """Builds a permit object per row, so a change to its builder's signature fails here,
    not in a 1M-row run."""
    record = make_record()
    entries = [e for e in load_catalog() if e.slug == record.dataset]
    with engine.begin() as conn:
        register_datasets(conn, entries, now=NOW, source_url_for=lambda e: f"file://{e.slug}")
        upsert_permits(conn, [record], now=NOW)
    results = [run_export(engine, export_format, lambda _rows: None) for export_format in FORMATS]
    assert [r.rows for r in results] == [1, 1, 1]
    assert all(r.bytes > 0 for r in results)


def test_the_raw_sql_floor_reads_the_same_rows(
    engine: Engine, make_record: Callable[..., PermitRecord]
) -> None:
    records = [make_record() for _ in range(3)]
    entries = [e for e in load_catalog() if e.slug == records[0].dataset]
    with engine.begin() as conn:
        register_datasets(conn, entries, now=NOW, source_url_for=lambda e: f"file://{e.slug}")
        upsert_permits(conn, records, now=NOW)
    floors = [run_raw_export(engine, export_format) for export_format in FORMATS]
    assert [(r.format, r.path, r.rows) for r in floors] == [
        (f, "raw SQL", 3) for f in ("csv", "ndjson", "parquet")
    ]
    csv_floor = floors[0]
    exported = run_export(engine, "csv", lambda _rows: None)
    # the same header and one line per row: the floor writes the same table, untyped
    assert csv_floor.bytes > len(",".join(c.name for c in EXPORT_COLUMNS)) + 2
    assert exported.rows == csv_floor.rows


def test_report_has_an_export_table_and_flags_a_missed_budget() -> None:
    report = Report(
        started=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        machine=Machine(2, "Test CPU", 4.0, "Linux", "3.11.7", "3.40.1", "pyarrow 26"),
        rows=1000,
        seed=1,
        data_format="csv",
        data_bytes=1024,
        generate_seconds=0.5,
    )
    report.exports = [
        ExportResult("csv", 1_000_000, 10.0, 300 * 1024 * 1024),
        ExportResult("ndjson", 1_000_000, 40.0, 900 * 1024 * 1024),
        ExportResult("csv", 1_000_000, 4.0, 280 * 1024 * 1024, "raw SQL"),
        ExportResult("ndjson", 1_000_000, 2.0, 800 * 1024 * 1024, "raw SQL"),
    ]
    report.budgets = export_budgets(report.exports)
    text = render_markdown(report)
    assert "| `csv` | exporter | 1,000,000 | 10.0 | 100,000 | 300.0 MiB | 2.5× |" in text
    assert "| `csv` | raw SQL | 1,000,000 | 4.0 | 250,000 | 280.0 MiB | 1.0× |" in text
    assert (
        "- budget: `csv` export ≥ 50,000 rows/s (exporter) — measured: 100,000 rows/s — met\n"
        "- budget: `ndjson` export ≥ 50,000 rows/s (exporter) — measured: 25,000 rows/s — not met"
    ) in text
