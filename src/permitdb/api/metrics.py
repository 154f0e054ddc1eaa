"""Prometheus metrics: request counters and latency kept per process, syncs read from the
database at scrape time.

Request metrics are labelled by route *template* (``/v1/permits/{permit_id}``, never the
permit id itself: one series per route, not per URL) and by status. A request no route
matched is labelled ``unmatched``.

Sync metrics (runs, rows, quarantine, source health) come from the run log at every scrape
(``SyncCollector``), not from counters in memory: syncs run in another process (``permitdb
ingest``, a cron job), and every API worker and replica must report the same values.

Several server processes (``permitdb serve --workers N``) share one set of request counters
through prometheus-client's multiprocess mode: with ``PROMETHEUS_MULTIPROC_DIR`` set (``serve``
sets it for ``--workers`` above 1), each process writes its samples to files there and a scrape
of any worker sums them all. See docs/observability.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from permitdb.store.datasets import dataset_runs
from permitdb.store.run_totals import RunTotals, run_totals

MULTIPROCESS_DIR_VARIABLE: Final = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE: Final = "unmatched"
# From a cached key lookup (about a millisecond) to a slow export page.
LATENCY_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

# A "_created" gauge beside every counter doubles the series Prometheus stores for nothing it
# alerts on (it infers resets from the counter itself).
disable_created_metrics()  # type: ignore[no-untyped-call]  # (the function is unannotated)


class SyncCollector(Collector):
    """Sync runs, rows and source freshness per dataset, from the run log, at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "permitdb_database_up", "1 when the scrape could read the database, else 0"
        )
        try:
            with self.engine.connect() as conn:
                totals = run_totals(conn)
                runs = dataset_runs(conn)
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _run_metrics(totals)
        yield from _health_metrics(runs, datetime.now(UTC))


def _run_metrics(totals: list[RunTotals]) -> Iterator[Metric]:
    synced = CounterMetricFamily(
        "permitdb_sync_runs",
        "Syncs that ended, by dataset and status (succeeded, failed, incomplete, ...)",
        labels=["dataset", "status"],
    )
    rows = CounterMetricFamily(
        "permitdb_rows_ingested",
        "Records written by syncs, by dataset and outcome (inserted, updated, unchanged)",
        labels=["dataset", "outcome"],
    )
    quarantined = CounterMetricFamily(
        "permitdb_rows_quarantined", "Records syncs quarantined, by dataset", labels=["dataset"]
    )
    by_dataset: dict[str, list[RunTotals]] = {}
    for total in totals:
        by_dataset.setdefault(total.dataset, []).append(total)
        # a running sync is counted when it ends; its committed pages count as rows already
        if total.status != "running":
            synced.add_metric([total.dataset, total.status], total.runs)
    for dataset, group in by_dataset.items():
        for outcome in ("inserted", "updated", "unchanged"):
            rows.add_metric([dataset, outcome], sum(getattr(t, outcome) for t in group))
        quarantined.add_metric([dataset], sum(t.rejected for t in group))
    yield from (synced, rows, quarantined)


def _health_metrics(runs: dict[str, dict[str, object]], now: datetime) -> Iterator[Metric]:
    last = GaugeMetricFamily(
        "permitdb_source_last_success_timestamp_seconds",
        "When the dataset's latest succeeded sync finished (Unix time)",
        labels=["dataset"],
    )
    age = GaugeMetricFamily(
        "permitdb_source_last_success_age_seconds",
        "Seconds since the dataset's latest succeeded sync finished: alert when it grows",
        labels=["dataset"],
    )
    for dataset, run in sorted(runs.items()):
        finished = run.get("last_success_at")
        if not isinstance(finished, datetime):
            continue
        if finished.tzinfo is None:  # SQLite hands back naive UTC
            finished = finished.replace(tzinfo=UTC)
        last.add_metric([dataset], finished.timestamp())
        age.add_metric([dataset], max(0.0, (now - finished).total_seconds()))
    yield from (last, age)


class RequestMetrics:
    """This app's request counters and latency histograms, and the /metrics exposition."""

    def __init__(self, engine: Engine) -> None:
        # One registry per app, not prometheus-client's global one: a process may hold several
        # apps (the tests do), and each must count only its own requests.
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "permitdb_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "permitdb_http_request_duration_seconds",
            "Time from the request to the end of its response, by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.sync = SyncCollector(engine)

    def observe(self, method: str, route: str, status: int, started: float) -> None:
        """Count one answered request that began at ``started`` (``time.perf_counter()``)."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(time.perf_counter() - started)

    def exposition(self) -> bytes:
        """The text format a Prometheus scrape reads."""
        registry = CollectorRegistry()
        if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
            # every worker's request samples, summed (the class has no annotations)
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry.register(self.registry)
        registry.register(self.sync)
        return generate_latest(registry)


@contextmanager
def multiprocess_metrics(workers: int) -> Iterator[Path | None]:
    """Set up prometheus-client's multiprocess mode around a server run, in the parent process
    before it starts its workers (which inherit the environment).

    With ``PROMETHEUS_MULTIPROC_DIR`` set, its samples from an earlier run are removed (they
    would be summed into this run's counters). Unset and ``workers`` above 1, a temporary
    folder is made for the run, set, and removed afterwards. One worker needs neither.
    """
    configured = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if configured:
        folder = Path(configured)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        yield folder
    elif workers > 1:
        folder = Path(tempfile.mkdtemp(prefix="permitdb-metrics-"))
        os.environ[MULTIPROCESS_DIR_VARIABLE] = str(folder)
        try:
            yield folder
        finally:
            del os.environ[MULTIPROCESS_DIR_VARIABLE]
            shutil.rmtree(folder, ignore_errors=True)
    else:
        yield None
