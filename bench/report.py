"""The results of one ``make bench`` and their rendering as docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

from bench.reference import LICENSED_SHARE, PARCEL_SHARE

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Machine:
    cpus: int
    cpu_model: str
    memory_gib: float
    system: str
    python: str
    sqlite: str
    packages: str  # versions of the libraries on the hot path

    @classmethod
    def current(cls) -> Machine:
        names = ("sqlalchemy", "fastapi", "uvicorn", "pydantic", "orjson", "httpx", "pyarrow")
        return cls(
            cpus=os.cpu_count() or 0,
            cpu_model=_cpu_model(),
            memory_gib=os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3,
            system=f"{platform.system()} {platform.release()} ({platform.machine()})",
            python=sys.version.split()[0],
            sqlite=sqlite3.sqlite_version,
            packages=", ".join(f"{name} {metadata.version(name)}" for name in names),
        )


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """One ingest subprocess: a whole sync plus the final ANALYZE/optimize."""

    label: str
    backend: str
    fetched: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    seconds: float  # until queryable: the sync and the final statistics/optimize
    finalize_seconds: float
    peak_rss_kib: int
    db_bytes: int

    @property
    def rows_per_s(self) -> float:
        return self.fetched / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One measured cell: one query kind through one path at one concurrency."""

    query: str
    path: str  # "API" | "store" | "raw SQL"
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class ExportResult:
    """One whole-database export in one format, by the exporter or by raw SQL."""

    format: str
    rows: int
    seconds: float
    bytes: int
    path: str = "exporter"  # or "raw SQL": the floor the exporter is measured against

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class Budget:
    """A speed budget (issue 10) and what this run measured against it."""

    budget: str  # what is promised, naming the path and thread count it is held at
    measured: str
    met: bool | None  # None: this run did not measure it


@dataclass(slots=True)
class Report:
    started: datetime
    machine: Machine
    rows: int
    seed: int
    data_format: str
    data_bytes: int
    generate_seconds: float
    ingest: list[IngestResult] = field(default_factory=list)
    load: list[LoadResult] = field(default_factory=list)
    exports: list[ExportResult] = field(default_factory=list)
    load_setup: str = ""
    queries: dict[str, str] = field(default_factory=dict)  # query kind -> what it asks
    budgets: list[Budget] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A Markdown table; ``align`` has one letter per column, ``l`` or ``r`` (default ``r``)."""
    marks = ["---" if (align[i : i + 1] or "r") == "l" else "--:" for i in range(len(headers))]
    lines = [headers, marks, *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _size(value: float) -> str:
    return f"{value / MIB:,.1f} MiB"


def ingest_table(results: Sequence[IngestResult]) -> str:
    headers = (
        "run",
        "database",
        "rows",
        "inserted",
        "unchanged",
        "rejected",
        "seconds",
        "rows/s",
        "of which ANALYZE/optimize",
        "peak RSS",
        "database size",
    )
    rows = [
        (
            r.label,
            r.backend,
            _count(r.fetched),
            _count(r.inserted),
            _count(r.unchanged),
            _count(r.rejected),
            f"{r.seconds:,.1f}",
            _count(r.rows_per_s),
            f"{r.finalize_seconds:,.1f} s",
            _size(r.peak_rss_kib * 1024),
            _size(r.db_bytes),
        )
        for r in results
    ]
    return table(headers, rows, align="ll")


def load_tables(results: Sequence[LoadResult], queries: dict[str, str]) -> str:
    """One table per query kind; each row also says how its p50 compares with raw SQL's."""
    floor = {(r.query, r.concurrency): r.p50_ms for r in results if r.path == "raw SQL"}
    headers = ("path", "threads", "requests", "errors", "req/s", "p50 ms", "p99 ms", "p50 ÷ raw")
    parts = []
    for query in dict.fromkeys(r.query for r in results):
        rows = [
            (
                r.path,
                str(r.concurrency),
                _count(r.requests),
                _count(r.errors),
                f"{r.per_s:,.0f}",
                f"{r.p50_ms:,.2f}",
                f"{r.p99_ms:,.2f}",
                _ratio(r.p50_ms, floor.get((r.query, r.concurrency))),
            )
            for r in results
            if r.query == query
        ]
        parts += [
            f"### {query}: {queries.get(query, '')}".rstrip(": "),
            "",
            table(headers, rows, "l"),
            "",
        ]
    return "\n".join(parts).rstrip()


def export_table(results: Sequence[ExportResult]) -> str:
    headers = ("format", "path", "rows", "seconds", "rows/s", "file size", "time ÷ raw")
    raw = {r.format: r for r in results if r.path == "raw SQL"}
    rows = []
    for r in results:
        floor = raw.get(r.format)
        ratio = f"{r.seconds / floor.seconds:.1f}×" if floor and floor.seconds else "—"
        rows.append(
            (
                f"`{r.format}`",
                r.path,
                _count(r.rows),
                f"{r.seconds:,.1f}",
                _count(r.rows_per_s),
                _size(r.bytes),
                ratio,
            )
        )
    return table(headers, rows, align="ll")


def budget_lines(budgets: Sequence[Budget]) -> str:
    verdict = {True: "met", False: "not met", None: "not measured"}
    return "\n".join(
        f"- budget: {b.budget} — measured: {b.measured} — {verdict[b.met]}" for b in budgets
    )


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:,.1f}×" if base else "–"


def render_markdown(report: Report) -> str:
    m = report.machine
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/`); do not edit by hand. Figures are from one run on one "
        "machine: compare runs on the same machine, not across machines.",
        "",
        "## Machine",
        "",
        table(
            ("", ""),
            [
                ("date", report.started.strftime("%Y-%m-%d %H:%M %Z").strip()),
                ("CPU", f"{m.cpus} cores, {m.cpu_model}"),
                ("memory", f"{m.memory_gib:.1f} GiB"),
                ("system", m.system),
                ("Python", m.python),
                ("SQLite", m.sqlite),
                ("libraries", m.packages),
            ],
            align="ll",
        ),
        "",
        "## Data",
        "",
        f"{_count(report.rows)} synthetic permits (seed {report.seed}) in the raw shape of "
        f"Austin's Issued Construction Permits, as one {report.data_format.upper()} file of "
        f"{_size(report.data_bytes)} (generated in {report.generate_seconds:,.1f} s), read by the "
        "`file` connector through the catalog entry `bench/catalog/austin-tx-bench.yaml` "
        "(page size 5,000). Beside them, generated in the same pass: the appraisal roll rows "
        f"of {PARCEL_SHARE:.0%} of the projects (`bench/catalog/travis-tx-bench-parcels.yaml`) "
        f"and licences for {LICENSED_SHARE:.0%} of the companies, in the layout of TSBPE's "
        "list, read by its own catalog entry "
        "(`bench/reference.py`), so that permit answers have licences and properties to join.",
        "",
        "## Budgets",
        "",
        "The speed budgets of issue 10 and the export budget, each against this run's figures "
        "(the tables below).",
        "",
        budget_lines(report.budgets) if report.budgets else "_not run_",
        "",
        "## Ingest",
        "",
        "Each run is a separate process (so peak RSS is the ingest's alone) doing the real "
        "pipeline: `build_source` → `ingest_dataset` (normalize, upsert, full-text index kept "
        "by triggers, one transaction per page) → final ANALYZE/optimize. Seconds are until the "
        "data is queryable; the re-ingest reads the same file again, every row unchanged. "
        "*licences* and *parcels* load the rows the permits join to (`bench/reference.py`). "
        "*permits alone* loads the permits file into an empty database of its own with the "
        "permit kind less contractor resolution and the place refresh: the baseline of the "
        "ingest budget.",
        "",
        ingest_table(report.ingest) if report.ingest else "_not run_",
        "",
        "## Queries",
        "",
        report.load_setup,
        "",
        load_tables(report.load, report.queries) if report.load else "_not run_",
        "",
        "## Exports",
        "",
        "The SQLite database above exported whole, every record class, once per format, "
        "through `services.exports` in the benchmark process: the code behind "
        "`GET /v1/permits?format=` and `permitdb export`, less HTTP and gzip. Pages of 1,000 "
        "rows; the bytes are counted, not written to disk. **raw SQL** is the floor: one `sqlite3` "
        "SELECT of the same columns in the same order, its tuples handed as they are to "
        "`csv.writer`, `orjson` (one object per row) or `pyarrow`, with none of the exporter's "
        "typing (ISO timestamps, two-decimal money, lists).",
        "",
        export_table(report.exports) if report.exports else "_not run_",
        "",
    ]
    if report.notes:
        parts += ["## Notes", "", *(f"- {note}" for note in report.notes), ""]
    parts += [
        "## How to reproduce",
        "",
        "```sh",
        "make bench                        # 1,000,000 rows, about 20 minutes on 2 cores",
        "BENCH_ROWS=20000 make bench       # a quick look",
        "```",
        "",
        table(
            ("variable", "default", "meaning"),
            [
                ("`BENCH_ROWS`", "1000000", "synthetic permits to generate and ingest"),
                ("`BENCH_SEED`", "20240601", "generator seed: same seed, same file"),
                ("`BENCH_FORMAT`", "csv", "`csv` or `ndjson`"),
                ("`BENCH_REQUESTS`", "2000", "requests per measured cell, at most"),
                ("`BENCH_SECONDS`", "10", "wall-clock cap per measured cell"),
                ("`BENCH_CONCURRENCY`", "1,16", "client threads, one cell per value"),
                ("`BENCH_PAGES`", "3", "pages followed per paged search"),
                ("`BENCH_DIR`", ".bench", "generated file and databases"),
                (
                    "`PERMITDB_BENCH_POSTGRES_URL`",
                    "unset",
                    "also ingest into this PostgreSQL database (**its public schema is dropped**)",
                ),
            ],
            align="lll",
        ),
        "",
    ]
    return "\n".join(parts)


def write_report(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report), encoding="utf-8")
