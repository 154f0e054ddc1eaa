"""``make bench``: generate → ingest → queries, then write docs/benchmarks.md.

Sizes come from ``BENCH_*`` variables (``bench.config``); docs/benchmarks.md lists them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from bench.api_bench import QUERY_LABELS, WINDOW_DAYS, cells, load_for, measure, sample_params
from bench.budgets import judge
from bench.config import BenchConfig
from bench.enrichment_bench import (
    ENRICHMENT_LABELS,
    UNJOINED_APP,
    enrichment_cells,
    enrichment_load,
)
from bench.export_bench import FORMATS, run_export, run_raw_export
from bench.generate import Generated, write_dataset
from bench.ingest_bench import Dataset, run_ingest
from bench.reference import write_licenses
from bench.report import ExportResult, IngestResult, LoadResult, Machine, Report, write_report
from bench.server import create_key, serve
from permitdb.store.engine import create_engine_for


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _advancer(progress: Progress, task: TaskID) -> Callable[[int], None]:
    return lambda n: progress.advance(task, n)


def generate(config: BenchConfig, progress: Progress) -> tuple[Generated, int]:
    """The permits file with its parcels, and the licences file (its row count)."""
    task = progress.add_task(f"generate {config.data_path.name}", total=config.rows)
    generated = write_dataset(
        config.data_path,
        config.rows,
        config.seed,
        config.data_format,
        on_rows=_advancer(progress, task),
        parcels=config.parcels_path,
    )
    progress.update(task, completed=config.rows)
    return generated, write_licenses(config.licenses_path, config.seed)


@dataclass(frozen=True, slots=True)
class IngestRun:
    url: str
    label: str
    dataset: Dataset
    rows: int  # for the progress bar
    reset_postgres: bool = False


def _ingest_runs(config: BenchConfig, generated: Generated, licences: int) -> list[IngestRun]:
    # licences and parcels after the permits, as an operator adding them to a running city does
    runs = [
        IngestRun(config.sqlite_url, "first load", "permits", config.rows),
        IngestRun(config.sqlite_url, "re-ingest", "permits", config.rows),
        IngestRun(config.sqlite_url, "licences", "licences", licences),
        IngestRun(config.sqlite_url, "parcels", "parcels", generated.parcels),
        IngestRun(
            f"sqlite:///{config.baseline_path}", "permits alone", "permits alone", config.rows
        ),
    ]
    if config.postgres_url:
        runs += [
            IngestRun(config.postgres_url, "first load", "permits", config.rows, True),
            IngestRun(config.postgres_url, "re-ingest", "permits", config.rows),
        ]
    return runs


def ingest(
    config: BenchConfig, progress: Progress, generated: Generated, licences: int
) -> list[IngestResult]:
    for database in (config.sqlite_path, config.baseline_path):
        for leftover in config.work_dir.glob(database.name + "*"):
            # a fresh database: the first run must insert every row (and the sync lock
            # directory beside a SQLite file goes with it)
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
    data = {
        "licences": config.licenses_path,
        "parcels": config.parcels_path,
        "permits": config.data_path,
        "permits alone": config.data_path,
    }
    results = []
    for run in _ingest_runs(config, generated, licences):
        backend = "SQLite" if run.url.startswith("sqlite") else "PostgreSQL"
        task = progress.add_task(f"ingest: {backend}, {run.label}", total=run.rows)
        results.append(
            run_ingest(
                url=run.url,
                data=data[run.dataset],
                data_format=config.data_format,
                label=run.label,
                log=config.work_dir / f"ingest-{backend.lower()}-{run.label.replace(' ', '-')}.log",
                reset_postgres=run.reset_postgres,
                on_advance=_advancer(progress, task),
                dataset=run.dataset,
            )
        )
        progress.update(task, completed=run.rows)
    return results


def queries(config: BenchConfig, progress: Progress, notes: list[str]) -> list[LoadResult]:
    engine = create_engine_for(config.sqlite_url)
    key = create_key(engine)
    params = sample_params(engine, config.seed, config.pages)
    planned = [*cells(config.concurrency), *enrichment_cells(config.concurrency)]
    task = progress.add_task("queries", total=len(planned))
    results = []
    with (
        serve(config.sqlite_url, config.work_dir / "api.log") as base_url,
        serve(config.sqlite_url, config.work_dir / "api-unjoined.log", UNJOINED_APP) as bare_url,
    ):
        urls = {"API": base_url, "API, nothing joined": bare_url}
        for cell in planned:
            label = f"queries: {cell.query}, {cell.path}, {cell.concurrency} threads"
            progress.update(task, description=label)
            if cell.query in ENRICHMENT_LABELS:
                load = enrichment_load(cell.path, engine, urls, key, params)
            else:
                load = load_for(cell, engine, base_url, key, params)
            stats = measure(load, cell.concurrency, config.requests, config.seconds)
            if stats.first_error:
                notes.append(
                    f"{cell.query} via {cell.path}, {cell.concurrency} threads: {stats.errors} "
                    f"errors, the first: `{stats.first_error[:300]}`"
                )
            results.append(
                LoadResult(
                    query=cell.query,
                    path=cell.path,
                    concurrency=cell.concurrency,
                    requests=stats.requests,
                    errors=stats.errors,
                    seconds=stats.seconds,
                    p50_ms=stats.p50_ms,
                    p99_ms=stats.p99_ms,
                )
            )
            progress.advance(task)
    engine.dispose()
    return results


def exports(config: BenchConfig, progress: Progress) -> list[ExportResult]:
    engine = create_engine_for(config.sqlite_url)
    results = []
    for export_format in FORMATS:
        task = progress.add_task(f"export: {export_format}", total=config.rows)
        results.append(run_export(engine, export_format, _advancer(progress, task)))
        progress.update(
            task, completed=config.rows, description=f"export: {export_format}, raw SQL"
        )
        results.append(run_raw_export(engine, export_format))
    engine.dispose()
    return results


def load_setup(config: BenchConfig) -> str:
    threads = " and ".join(map(str, config.concurrency))
    return (
        f"Against the SQLite database loaded above. Each cell runs one query kind with "
        f"{threads} client threads (closed loop: a thread sends its next request when the last "
        f"one answers) for at most {config.requests:,} requests or {config.seconds:g} s, after "
        f"an unmeasured warm-up. A paged search follows `next_cursor` for up to {config.pages} "
        f"pages over a random {WINDOW_DAYS}-day issue window; each page is one request. "
        "**API**: HTTP with `X-API-Key` to one uvicorn worker in another process. "
        "**store**: `search_permits` / `get_permit` / `get_permits` / the by-number queries of "
        "`store.permit_numbers` in the benchmark process. "
        "**raw SQL**: the equivalent `text()` SELECT, rows left as tuples. "
        "**permit page** (what joining licences and parcels costs) adds **API, nothing "
        "joined**: the same request to a second server whose `services.permits.joined` finds "
        "nothing, and **service**: `services.permits.search`, the search and its joined step; "
        "its **store** is the search alone. "
        "Client and server share the machine's cores, so API figures include the client's cost. "
        "*p50 ÷ raw*: the row's median over raw SQL's at the same thread count."
    )


def main() -> None:
    config = BenchConfig()
    console = Console()
    started = datetime.now().astimezone()
    load_before = os.getloadavg()[0]
    with _progress(console) as progress:
        generated, licences = generate(config, progress)
        report = Report(
            started=started,
            machine=Machine.current(),
            rows=config.rows,
            seed=config.seed,
            data_format=config.data_format,
            data_bytes=generated.bytes,
            generate_seconds=generated.seconds,
            load_setup=load_setup(config),
            queries={**QUERY_LABELS, **ENRICHMENT_LABELS},
        )
        report.ingest = ingest(config, progress, generated, licences)
        report.load = queries(config, progress, report.notes)
        report.exports = exports(config, progress)
        report.budgets = judge(report)
    # other work on the machine skews every figure; the load average shows whether there was any
    report.notes.append(
        f"Load average (1 min) at the start: {load_before:.1f}, at the end: "
        f"{os.getloadavg()[0]:.1f}, on {report.machine.cpus} cores. Whole run: "
        f"{(datetime.now().astimezone() - started).total_seconds() / 60:.1f} min."
    )
    write_report(report, config.report)
    console.print(f"wrote [bold]{config.report}[/] in {datetime.now().astimezone() - started}")


if __name__ == "__main__":
    main()
