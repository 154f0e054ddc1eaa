"""Benchmark sizes and paths, read once from ``BENCH_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

REPO = Path(__file__).resolve().parent.parent
DataFormat = Literal["csv", "ndjson"]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").replace("_", "")
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw else default


def _format() -> DataFormat:
    raw = os.environ.get("BENCH_FORMAT", "csv")
    if raw not in ("csv", "ndjson"):
        raise SystemExit(f"BENCH_FORMAT must be csv or ndjson, not {raw!r}")
    return "csv" if raw == "csv" else "ndjson"


def _concurrency() -> tuple[int, ...]:
    raw = os.environ.get("BENCH_CONCURRENCY", "1,16")
    return tuple(int(part) for part in raw.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """Every knob of ``make bench``; the defaults fit the whole run in about 15 minutes."""

    rows: int = field(default_factory=lambda: _int("BENCH_ROWS", 1_000_000))
    seed: int = field(default_factory=lambda: _int("BENCH_SEED", 20240601))
    data_format: DataFormat = field(default_factory=_format)
    # per measured cell (one query kind, one target, one concurrency)
    requests: int = field(default_factory=lambda: _int("BENCH_REQUESTS", 2000))
    seconds: float = field(default_factory=lambda: _float("BENCH_SECONDS", 10.0))
    concurrency: tuple[int, ...] = field(default_factory=_concurrency)
    pages: int = field(default_factory=lambda: _int("BENCH_PAGES", 3))
    work_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BENCH_DIR", str(REPO / ".bench")))
    )
    report: Path = field(
        default_factory=lambda: Path(
            os.environ.get("BENCH_REPORT", str(REPO / "docs" / "benchmarks.md"))
        )
    )
    postgres_url: str | None = field(
        default_factory=lambda: os.environ.get("PERMITDB_BENCH_POSTGRES_URL") or None
    )

    @property
    def data_path(self) -> Path:
        return self.work_dir / f"permits-{self.rows}-{self.seed}.{self.data_format}"

    @property
    def parcels_path(self) -> Path:
        return self.work_dir / f"parcels-{self.rows}-{self.seed}.csv"

    @property
    def licenses_path(self) -> Path:
        return self.work_dir / f"licences-{self.seed}.csv"

    @property
    def sqlite_path(self) -> Path:
        return self.work_dir / "bench.sqlite"

    @property
    def baseline_path(self) -> Path:
        """Where ``permits alone`` (``bench.ingest_bench``) loads the same file afresh."""
        return self.work_dir / "bench-permits-alone.sqlite"

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.sqlite_path.as_posix()}"
