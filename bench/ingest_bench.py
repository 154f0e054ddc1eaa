"""Ingest a generated file through the real pipeline, in a process of its own.

``run_ingest`` (the parent side) starts ``python -m bench.ingest_bench`` and reads its stdout:
one JSON line per committed page, then one with the result. Running apart means the peak RSS
the child reports (``ru_maxrss``) is the ingest's alone, not the generator's or the API's.

``permits alone`` is the baseline the full permit ingest is held against: the permit kind built
from the same parts (normalizer, ``store.permits.upsert_permits``, which the resolving writer
ends with) less contractor resolution and the place refresh after the run. The child swaps it
into ``ingest.kinds.KINDS`` for its own process only, so the pipeline around it is the real one.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal

import orjson
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bench.config import REPO, DataFormat
from bench.generate import bench_entry
from bench.reference import licenses_entry, parcels_entry
from bench.report import IngestResult
from permitdb.catalog.model import CatalogEntry
from permitdb.ingest import kinds
from permitdb.ingest.run import RunSummary, ingest_dataset
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store.engine import create_engine_for
from permitdb.store.migrate import upgrade
from permitdb.store.permits import upsert_permits

# What makes the data fast to query once loaded: planner statistics, and (SQLite) merging the
# FTS5 index's many small segments, written page by page by the triggers, into one b-tree.
SQLITE_FINALIZE = (
    "ANALYZE",
    "INSERT INTO permits_fts(permits_fts) VALUES ('optimize')",
)
POSTGRES_FINALIZE = ("ANALYZE",)


class _Progress:
    """``IngestProgress`` that tells the parent process, one JSON line per committed page."""

    def started(self, dataset: str, total: int | None) -> None:
        _emit({"started": dataset, "total": total})

    def advanced(self, dataset: str, records: int) -> None:
        _emit({"advanced": records})

    def finished(self, summary: RunSummary) -> None:
        _emit({"finished": summary.status})


def _emit(message: dict[str, object]) -> None:
    sys.stdout.write(orjson.dumps(message).decode() + "\n")
    sys.stdout.flush()


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def _database_bytes(engine: Engine, url: str) -> int:
    if _is_sqlite(url):
        with engine.begin() as conn:
            # fold the write-ahead log into the file, so the file size is the database size
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(make_url(url).database or "")
        files = (path, path.with_name(path.name + "-wal"))
        return sum(f.stat().st_size for f in files if f.exists())
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    return int(size)


Dataset = Literal["permits", "permits alone", "licences", "parcels"]
DATASETS: Final[tuple[Dataset, ...]] = ("permits", "permits alone", "licences", "parcels")
PERMITS_ALONE: Final = dataclasses.replace(
    kinds.PERMITS, write=upsert_permits, after_write=(), after_run=()
)


def _entry(dataset: Dataset, data: Path, data_format: DataFormat) -> CatalogEntry:
    if dataset == "licences":
        return licenses_entry(data)
    if dataset == "parcels":
        return parcels_entry(data)
    if dataset == "permits alone":
        kinds.KINDS = {**kinds.KINDS, "permits": PERMITS_ALONE}
    return bench_entry(data, data_format)


def child(
    url: str, data: Path, data_format: DataFormat, label: str, reset: bool, dataset: Dataset
) -> None:
    """Migrate, ingest, finalize, and print the result as the last JSON line."""
    engine = create_engine_for(url)
    if reset:
        _reset_postgres(engine)
    upgrade(engine)  # schema creation is not timed: it costs the same for 10 rows or 10M
    entry = _entry(dataset, data, data_format)
    with HttpClient() as client:
        source = build_source(entry, client)
        started = time.perf_counter()
        summary = ingest_dataset(engine, entry, source, full=True, progress=_Progress())
    if summary.status != "succeeded":
        raise SystemExit(f"ingest failed: {summary.error}")
    synced = time.perf_counter()
    with engine.begin() as conn:
        for statement in SQLITE_FINALIZE if _is_sqlite(url) else POSTGRES_FINALIZE:
            conn.execute(text(statement))
    finished = time.perf_counter()
    result = IngestResult(
        label=label,
        backend="SQLite" if _is_sqlite(url) else "PostgreSQL",
        fetched=summary.fetched,
        inserted=summary.inserted,
        updated=summary.updated,
        unchanged=summary.unchanged,
        rejected=summary.rejected,
        seconds=finished - started,
        finalize_seconds=finished - synced,
        peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # KiB on Linux
        db_bytes=_database_bytes(engine, url),
    )
    engine.dispose()
    _emit({"result": dataclasses.asdict(result)})


def run_ingest(
    *,
    url: str,
    data: Path,
    data_format: DataFormat,
    label: str,
    log: Path,
    reset_postgres: bool = False,
    on_advance: Callable[[int], None] | None = None,
    dataset: Dataset = "permits",
) -> IngestResult:
    """Run one ingest in a child process; its stderr (logs, tracebacks) goes to ``log``."""
    command = [sys.executable, "-m", "bench.ingest_bench", url, str(data), data_format, label]
    command += ["--dataset", dataset]
    if reset_postgres:
        command.append("--reset-postgres")
    log.parent.mkdir(parents=True, exist_ok=True)
    result: IngestResult | None = None
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=errors, text=True, env=os.environ
        )
        assert process.stdout is not None
        for line in process.stdout:
            if not line.startswith("{"):
                continue  # a library printing to stdout is not one of our messages
            message = orjson.loads(line)
            if "advanced" in message and on_advance is not None:
                on_advance(int(message["advanced"]))
            elif "result" in message:
                result = IngestResult(**message["result"])
        code = process.wait()
    if code != 0 or result is None:
        tail = log.read_text(encoding="utf-8").strip().splitlines()[-15:]
        raise RuntimeError(f"ingest '{label}' exited with {code}; {log}:\n" + "\n".join(tail))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("data", type=Path)
    parser.add_argument("data_format", choices=["csv", "ndjson"])
    parser.add_argument("label")
    parser.add_argument("--reset-postgres", action="store_true")
    parser.add_argument("--dataset", choices=DATASETS, default="permits")
    args = parser.parse_args()
    data_format: DataFormat = "csv" if args.data_format == "csv" else "ndjson"
    child(args.url, args.data, data_format, args.label, args.reset_postgres, args.dataset)


if __name__ == "__main__":
    main()
