"""Export the loaded database whole, once per format, through ``services.exports``.

That is the code ``GET /v1/permits?format=...`` streams and ``permitdb export`` writes, so
rows/s here is theirs less the HTTP transport (and gzip, when a client asks for it). The bytes
are counted and dropped: a disk's speed is not the exporter's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Final

from sqlalchemy import Engine

from bench.report import ExportResult
from permitdb.api.schemas.permits import permit_json
from permitdb.services.exports import ExportFormat, export_permits
from permitdb.store.permits import PermitQuery

FORMATS: Final[tuple[ExportFormat, ...]] = ("csv", "ndjson", "parquet")
# The speed budget: CSV and NDJSON, at the default 1,000,000 rows.
BUDGET_ROWS_S: Final = 50_000
BUDGETED: Final = frozenset({"csv", "ndjson"})
# Every record class: the whole table, as an operator's full dump would be.
EVERYTHING: Final = PermitQuery(record_class=())


def run_export(
    engine: Engine, export_format: ExportFormat, on_rows: Callable[[int], None]
) -> ExportResult:
    started = time.perf_counter()
    rows = 0
    size = 0

    def counted(page_rows: int) -> None:
        nonlocal rows
        rows += page_rows
        on_rows(page_rows)

    chunks = export_permits(
        engine,
        EVERYTHING,
        export_format,
        permit_json=partial(permit_json, include_raw=False, people=True),
        on_page=counted,
    )
    for chunk in chunks:
        size += len(chunk)
    return ExportResult(export_format, rows, time.perf_counter() - started, size)


def over_budget(results: list[ExportResult]) -> list[str]:
    """A note for each budgeted format slower than the budget."""
    return [
        f"`{r.format}` export: {r.rows_per_s:,.0f} rows/s, under the {BUDGET_ROWS_S:,} rows/s "
        "budget."
        for r in results
        if r.format in BUDGETED and r.rows_per_s < BUDGET_ROWS_S
    ]
