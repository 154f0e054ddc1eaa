"""The speed budgets (issue 10, and the export budget), judged against one run's figures.

Latency budgets are held at the run's lowest thread count: a budget on one request's latency,
not on how requests queue behind the machine's cores. A budget whose cells did not run is
listed as not measured rather than left out, so a missing cell shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bench.enrichment_bench import JOINED_PATHS
from bench.enrichment_bench import QUERY as PAGE
from bench.export_bench import BUDGET_ROWS_S, BUDGETED
from bench.report import Budget, ExportResult, IngestResult, LoadResult, Report

# contractor cells: store p50 <= RAW_TIMES × raw SQL p50 + RAW_PLUS_MS
RAW_TIMES: Final = 3.0
RAW_PLUS_MS: Final = 1.0
PLACE_METRICS_MS: Final = 20.0
ENRICHMENT_ADDS: Final = 0.20  # at most, of the page's p50 without it
INGEST_KEEPS: Final = 0.80  # the full permit ingest's rows/s, at least, of permits alone


def _p50(results: Sequence[LoadResult], query: str, path: str) -> tuple[float, int] | None:
    """The p50 of (query, path) at the lowest thread count it ran, and that count."""
    found = sorted((r.concurrency, r.p50_ms) for r in results if (r.query, r.path) == (query, path))
    return (found[0][1], found[0][0]) if found else None


def _threads(count: int) -> str:
    return f"{count} thread" + ("" if count == 1 else "s")


def contractor_budgets(results: Sequence[LoadResult]) -> list[Budget]:
    budgets = []
    for query in ("contractor search", "contractor permits"):
        promise = f"{query} p50 (store) ≤ {RAW_TIMES:g}× raw SQL + {RAW_PLUS_MS:g} ms"
        store, raw = _p50(results, query, "store"), _p50(results, query, "raw SQL")
        if store is None or raw is None:
            budgets.append(Budget(promise, "—", None))
            continue
        limit = RAW_TIMES * raw[0] + RAW_PLUS_MS
        measured = (
            f"{store[0]:.2f} ms at {_threads(store[1])} (raw SQL {raw[0]:.2f} ms: "
            f"limit {limit:.2f} ms)"
        )
        budgets.append(Budget(promise, measured, store[0] <= limit))
    return budgets


def place_budget(results: Sequence[LoadResult]) -> Budget:
    promise = f"place metrics for 24 months p50 (API) ≤ {PLACE_METRICS_MS:g} ms"
    api = _p50(results, "place metrics", "API")
    if api is None:
        return Budget(promise, "—", None)
    return Budget(promise, f"{api[0]:.2f} ms at {_threads(api[1])}", api[0] <= PLACE_METRICS_MS)


def enrichment_budgets(results: Sequence[LoadResult]) -> list[Budget]:
    budgets = []
    for joined, alone in JOINED_PATHS.items():
        promise = (
            f"joining licences and properties adds ≤ {ENRICHMENT_ADDS:.0%} to a permit page's "
            f"p50 ({joined} vs. {alone})"
        )
        with_it, without = _p50(results, PAGE, joined), _p50(results, PAGE, alone)
        if with_it is None or without is None or not without[0]:
            budgets.append(Budget(promise, "—", None))
            continue
        added = with_it[0] / without[0] - 1
        measured = (
            f"{added:+.0%} ({with_it[0]:.2f} ms vs. {without[0]:.2f} ms at {_threads(with_it[1])})"
        )
        budgets.append(Budget(promise, measured, added <= ENRICHMENT_ADDS))
    return budgets


def ingest_budget(results: Sequence[IngestResult]) -> Budget:
    promise = (
        "permit ingest with contractor resolution and the place refresh keeps ≥ "
        f"{INGEST_KEEPS:.0%} of the rows/s of permits alone (SQLite, first load)"
    )
    runs = {r.label: r for r in results if r.backend == "SQLite"}
    full, alone = runs.get("first load"), runs.get("permits alone")
    if full is None or alone is None or not alone.rows_per_s:
        return Budget(promise, "—", None)
    kept = full.rows_per_s / alone.rows_per_s
    measured = f"{full.rows_per_s:,.0f} vs. {alone.rows_per_s:,.0f} rows/s: {kept:.0%}"
    return Budget(promise, measured, kept >= INGEST_KEEPS)


def export_budgets(results: Sequence[ExportResult]) -> list[Budget]:
    return [
        Budget(
            f"`{r.format}` export ≥ {BUDGET_ROWS_S:,} rows/s (exporter)",
            f"{r.rows_per_s:,.0f} rows/s",
            r.rows_per_s >= BUDGET_ROWS_S,
        )
        for r in results
        if r.path == "exporter" and r.format in BUDGETED
    ]


def judge(report: Report) -> list[Budget]:
    """Every budget, in the order issue 10 lists them, then the export's."""
    return [
        *contractor_budgets(report.load),
        place_budget(report.load),
        *enrichment_budgets(report.load),
        ingest_budget(report.ingest),
        *export_budgets(report.exports),
    ]
