"""The benchmark's generator is deterministic and its report renders; nothing here is timed."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from bench.austin import COMPANY_TRADES, COMPANY_WORDS
from bench.config import DataFormat
from bench.generate import COLUMNS, bench_entry, iter_rows, write_dataset
from bench.reference import iter_licenses
from bench.report import IngestResult, LoadResult, Machine, Report, render_markdown, write_report


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_same_seed_same_bytes(tmp_path: Path, fmt: DataFormat) -> None:
    first = write_dataset(tmp_path / f"a.{fmt}", 300, seed=7, data_format=fmt)
    second = write_dataset(tmp_path / f"b.{fmt}", 300, seed=7, data_format=fmt)
    other = write_dataset(tmp_path / f"c.{fmt}", 300, seed=8, data_format=fmt)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.path.read_bytes() != other.path.read_bytes()


def test_n_rows_make_n_records_with_unique_permit_numbers(tmp_path: Path) -> None:
    counted: list[int] = []
    written = write_dataset(
        tmp_path / "p.csv", 25_000, seed=1, data_format="csv", on_rows=counted.append
    )
    with written.path.open(encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines))
    assert len(rows) == 25_000
    assert sum(counted) == 20_000  # told every 10,000 rows
    assert list(rows[0]) == list(COLUMNS)
    assert len({row["permit_number"] for row in rows}) == 25_000
    assert len({row["original_address1"] for row in rows}) > 20_000


def test_ndjson_leaves_out_empty_values_like_soda(tmp_path: Path) -> None:
    written = write_dataset(tmp_path / "p.ndjson", 200, seed=3, data_format="ndjson")
    records = [orjson.loads(line) for line in written.path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 200
    assert all(all(value != "" for value in record.values()) for record in records)
    assert any("issue_date" not in record for record in records)


def test_rows_look_like_the_austin_portal() -> None:
    rows = list(iter_rows(2000, seed=5))
    assert all(row["permit_number"][-2:] in {"BP", "EP", "MP", "PP", "DS"} for row in rows)
    valuations = {row["total_job_valuation"] for row in rows}
    assert {"", "$0.00"} <= valuations
    assert any(v.startswith("$") and "," in v for v in valuations)
    assert any("solar" in row["description"] for row in rows)
    assert any(row["issue_date"] == "" for row in rows)


def test_catalog_entry_validates_and_points_at_the_file(tmp_path: Path) -> None:
    entry = bench_entry(tmp_path / "p.csv", "csv")
    assert entry.slug == "austin-tx/bench-synthetic-permits"
    assert entry.source.platform == "file"
    assert entry.source.url == str(tmp_path / "p.csv")
    assert entry.page_size == 5000
    assert set(entry.field_specs()) >= {"permit_number", "issued_date", "valuation"}


def small_report() -> Report:
    machine = Machine(2, "Test CPU", 4.0, "Linux", "3.11.7", "3.40.1", "sqlalchemy 2")
    report = Report(
        started=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        machine=machine,
        rows=1000,
        seed=1,
        data_format="csv",
        data_bytes=2 * 1024 * 1024,
        generate_seconds=0.5,
        queries={"by id": "one permit by id"},
    )
    report.ingest.append(
        IngestResult("first load", "SQLite", 1000, 1000, 0, 0, 0, 2.0, 0.1, 150 * 1024, 3 << 20)
    )
    report.load += [
        LoadResult("by id", "API", 1, 100, 0, 0.5, 2.0, 4.0),
        LoadResult("by id", "raw SQL", 1, 100, 0, 0.05, 0.25, 0.5),
    ]
    return report


def test_report_renders_tables(tmp_path: Path) -> None:
    text = render_markdown(small_report())
    assert (
        "| first load | SQLite | 1,000 | 1,000 | 0 | 0 | 2.0 | 500 | 0.1 s | 150.0 MiB | 3.0 MiB |"
        in text
    )
    assert "### by id: one permit by id" in text
    assert "| API | 1 | 100 | 0 | 200 | 2.00 | 4.00 | 8.0× |" in text
    assert "| CPU | 2 cores, Test CPU |" in text
    write_report(small_report(), tmp_path / "docs" / "benchmarks.md")
    assert (tmp_path / "docs" / "benchmarks.md").read_text(encoding="utf-8") == text


def test_the_roll_has_one_row_for_about_half_the_projects_on_their_tcad_id(tmp_path: Path) -> None:
    written = write_dataset(
        tmp_path / "p.csv", 4000, seed=2, data_format="csv", parcels=tmp_path / "r.csv"
    )
    again = write_dataset(
        tmp_path / "q.csv", 4000, seed=2, data_format="csv", parcels=tmp_path / "s.csv"
    )
    assert (tmp_path / "r.csv").read_bytes() == (tmp_path / "s.csv").read_bytes()
    with written.path.open(encoding="utf-8", newline="") as lines:
        permits = list(csv.DictReader(lines))
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as lines:
        roll = list(csv.DictReader(lines))
    projects = {row["permit_number"].rsplit(" ", 1)[0]: row["tcad_id"] for row in permits}
    # sub-permits of one project are on one lot
    assert len(
        {(row["permit_number"].rsplit(" ", 1)[0], row["tcad_id"]) for row in permits}
    ) == len(projects)
    assert written.parcels == len(roll) == again.parcels
    assert 0.4 < len(roll) / len(projects) < 0.6
    assert len({row["PROP_ID"] for row in roll}) == len(roll)
    on_permit_ids = sum(1 for row in roll if row["PROP_ID"] in set(projects.values()))
    assert on_permit_ids / len(roll) > 0.9  # the others: projects filed without a TCAD id


def test_licences_cover_most_companies_by_their_name() -> None:
    licences = list(iter_licenses(seed=5))
    companies = {
        f"{w} {k}".upper() for ks in COMPANY_TRADES.values() for w in COMPANY_WORDS for k in ks
    }
    named = {row["PLUMB_COMPANY"].rsplit(" ", 1)[0] for row in licences}
    assert named <= companies
    assert 0.75 < len(named) / len(companies) < 0.95
    assert len({row["LICENSE_NBR"] for row in licences}) == len(licences)
    assert licences == list(iter_licenses(seed=5))
