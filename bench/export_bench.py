"""Export the loaded database whole, once per format, through ``services.exports``.

That is the code ``GET /v1/permits?format=...`` streams and ``permitdb export`` writes, so
rows/s here is theirs less the HTTP transport (and gzip, when a client asks for it). The bytes
are counted and dropped: a disk's speed is not the exporter's.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Final

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from bench.report import ExportResult
from permitdb.api.schemas.permits import permit_json
from permitdb.services.exports import EXPORT_COLUMNS, PAGE_SIZE, ExportFormat, export_permits
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
        permit_json=partial(permit_json, include_raw=False, people=False),
        on_page=counted,
    )
    for chunk in chunks:
        size += len(chunk)
    return ExportResult(export_format, rows, time.perf_counter() - started, size)


# The listing's default order, read off the same index the exporter's keyset walks.
RAW_SELECT: Final = (
    f"SELECT {', '.join(column.name for column in EXPORT_COLUMNS)} FROM permits "
    "ORDER BY issued_date DESC, id DESC"
)
_NAMES: Final = tuple(column.name for column in EXPORT_COLUMNS)


def _raw_pages(engine: Engine) -> Iterator[Sequence[tuple[Any, ...]]]:
    with engine.connect() as conn:
        cursor = conn.exec_driver_sql(RAW_SELECT)
        while page := cursor.fetchmany(PAGE_SIZE):
            yield page


def _raw_csv(pages: Iterator[Sequence[tuple[Any, ...]]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_NAMES)
    for page in pages:
        writer.writerows(page)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def _raw_ndjson(pages: Iterator[Sequence[tuple[Any, ...]]]) -> Iterator[bytes]:
    for page in pages:
        yield b"".join(
            orjson.dumps(
                dict(zip(_NAMES, row, strict=True)),
                default=float,  # PostgreSQL's driver hands NUMERIC over as Decimal
                option=orjson.OPT_APPEND_NEWLINE,
            )
            for row in page
        )


def _raw_parquet(pages: Iterator[Sequence[tuple[Any, ...]]]) -> Iterator[bytes]:
    sink = pa.BufferOutputStream()
    writer: pq.ParquetWriter | None = None
    for page in pages:
        table = pa.Table.from_pylist([dict(zip(_NAMES, row, strict=True)) for row in page])
        writer = writer or pq.ParquetWriter(sink, table.schema)
        writer.write_table(table.cast(writer.schema))
    if writer is not None:
        writer.close()
    yield sink.getvalue().to_pybytes()


_RAW_WRITERS: Final = {"csv": _raw_csv, "ndjson": _raw_ndjson, "parquet": _raw_parquet}


def run_raw_export(engine: Engine, export_format: ExportFormat) -> ExportResult:
    """The floor beside :func:`run_export`: the driver's tuples written as they come (SQLite)."""
    started = time.perf_counter()
    rows = 0

    def counted() -> Iterator[Sequence[tuple[Any, ...]]]:
        nonlocal rows
        for page in _raw_pages(engine):
            rows += len(page)
            yield page

    size = sum(len(chunk) for chunk in _RAW_WRITERS[export_format](counted()))
    return ExportResult(export_format, rows, time.perf_counter() - started, size, "raw SQL")
