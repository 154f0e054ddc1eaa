"""A permit search's whole result as one file: CSV, NDJSON, GeoJSON or Parquet, streamed.

``GET /v1/permits?format=...`` and ``permitdb export`` both call :func:`export_permits`, so
the two write the same bytes for the same query. The search is walked page by page with the
listing's keyset, each page on its own short connection, and each page leaves as one chunk of
bytes: memory stays bounded by a page, however large the result.

CSV and Parquet hold the flat columns of :data:`EXPORT_COLUMNS`, in that order (docs/schema.md
lists them; tests/services/test_exports.py keeps the two in step). NDJSON lines and GeoJSON
feature properties are the API's permit object, built by the ``permit_json`` function the
caller passes in: the API owns that shape, and this layer may not import it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from operator import attrgetter
from typing import Any, Final, Literal, get_args

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from permitdb.canonical import PermitRecord
from permitdb.store.permits import PermitQuery, search_permits
from permitdb.store.sorts import PermitKeyset

ExportFormat = Literal["csv", "ndjson", "geojson", "parquet"]
EXPORT_FORMATS: Final[tuple[ExportFormat, ...]] = get_args(ExportFormat)
PAGE_SIZE: Final = 1000  # the store's largest page

PermitJson = Callable[[PermitRecord], dict[str, Any]]
Pages = Iterable[list[PermitRecord]]
ColumnKind = Literal["text", "integer", "float", "money", "date", "timestamp", "list"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # a PermitRecord field
    kind: ColumnKind


# Every canonical field that reads as one cell, grouped as in docs/schema.md. Not exported:
# ``raw`` (a nested source record, in NDJSON/GeoJSON with include_raw) and ``content_hash``
# (the store's change detector). New fields go at the end, so column positions never move.
_COLUMN_GROUPS: Final[tuple[tuple[str, ColumnKind], ...]] = (
    ("id jurisdiction dataset source_record_id record_class permit_number", "text"),
    ("permit_type permit_type_desc permit_subtype permit_class work_class", "text"),
    ("proposed_use description master_permit_number status_raw status", "text"),
    ("status_phase", "text"),
    ("tags", "list"),
    ("category property_class", "text"),
    ("classification_rules", "list"),
    ("applied_date issued_date finaled_date expires_date status_date co_issued_date", "date"),
    ("valuation fees", "money"),
    ("housing_units square_feet stories", "integer"),
    ("original_address1 original_address2 original_city original_state", "text"),
    ("original_zip street_number street_name unit address city state zip", "text"),
    ("county_fips address_key", "text"),
    ("latitude longitude", "float"),
    ("location_source parcel_id contractor_name contractor_license", "text"),
    ("contractor_license_state contractor_trade contractor_phone", "text"),
    ("contractor_address owner_name owner_phone applicant_name contractor_id source_url", "text"),
    ("source_updated_at fetched_at first_seen_at updated_at", "timestamp"),
    ("quality_flags", "list"),
)
EXPORT_COLUMNS: Final = tuple(
    Column(name, kind) for names, kind in _COLUMN_GROUPS for name in names.split()
)
NOT_EXPORTED: Final = frozenset({"raw", "content_hash"})
LIST_SEPARATOR: Final = ";"

PARQUET_TYPES: Final[Mapping[ColumnKind, pa.DataType]] = {
    "text": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    # float64, as the JSON API serves money: two-decimal amounts round-trip exactly, and
    # pandas reads doubles natively where it would box every decimal as a Python object
    "money": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "list": pa.list_(pa.string()),
}
PARQUET_SCHEMA: Final = pa.schema(
    [pa.field(column.name, PARQUET_TYPES[column.kind]) for column in EXPORT_COLUMNS]
)

_values_of: Final = attrgetter(*(column.name for column in EXPORT_COLUMNS))


def _positions(*kinds: ColumnKind) -> tuple[int, ...]:
    return tuple(i for i, column in enumerate(EXPORT_COLUMNS) if column.kind in kinds)


_LISTS: Final = _positions("list")
_TIMESTAMPS: Final = _positions("timestamp")
_MONEY: Final = _positions("money")


# --- reading ----------------------------------------------------------------------------------


def iter_pages(
    engine: Engine, query: PermitQuery, *, page_size: int = PAGE_SIZE, with_raw: bool = True
) -> Iterator[list[PermitRecord]]:
    """Every page of ``query`` in listing order; at least one, empty when nothing matches.

    Each page has its own connection, closed before the page is handed on, so a slow reader
    never holds a connection (or, on SQLite, a read snapshot that stops WAL checkpoints).
    ``with_raw=False`` leaves each record's ``raw`` empty, unread (store.permits).
    """
    paged = dataclasses.replace(query, limit=page_size)
    after: PermitKeyset | None = None
    while True:
        with engine.connect() as conn:
            records, after = search_permits(conn, paged, after=after, with_raw=with_raw)
        yield records
        if after is None:
            return


# --- writers: pages in, byte chunks out --------------------------------------------------------


def _csv_cells(record: PermitRecord) -> list[Any]:
    # csv writes None as an empty cell and dates, numbers and Decimals by str(): only the
    # lists and the timestamps (str() would put a space where ISO 8601 has a T) need work
    cells = list(_values_of(record))
    for i in _LISTS:
        cells[i] = LIST_SEPARATOR.join(cells[i])
    for i in _TIMESTAMPS:
        if cells[i] is not None:
            cells[i] = cells[i].isoformat()
    return cells


def write_csv(pages: Pages, permit_json: PermitJson) -> Iterator[bytes]:
    """RFC 4180 (CRLF line ends, quotes only where needed), UTF-8, a header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(column.name for column in EXPORT_COLUMNS)
    for page in pages:
        writer.writerows(map(_csv_cells, page))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def _number(value: object) -> Any:
    # money is Decimal in the store; a JSON number, as the API serves it
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot serialize {type(value).__name__} to JSON")


def _json(value: Any, option: int = 0) -> bytes:
    return orjson.dumps(value, default=_number, option=option)


def write_ndjson(pages: Pages, permit_json: PermitJson) -> Iterator[bytes]:
    """One permit object per line, each line ending in ``\\n``."""
    for page in pages:
        # orjson ends each line itself: no second bytes object per record for the "\n"
        yield b"".join(_json(permit_json(record), orjson.OPT_APPEND_NEWLINE) for record in page)


def _feature(record: PermitRecord, permit_json: PermitJson) -> bytes:
    geometry = None
    if record.latitude is not None and record.longitude is not None:
        geometry = {"type": "Point", "coordinates": [record.longitude, record.latitude]}
    feature = {"type": "Feature", "id": record.id, "geometry": geometry}
    return _json({**feature, "properties": permit_json(record)})


def write_geojson(pages: Pages, permit_json: PermitJson) -> Iterator[bytes]:
    """One RFC 7946 FeatureCollection, written as it goes: one feature per line."""
    yield b'{"type":"FeatureCollection","features":['
    separator = b"\n"
    for page in pages:
        parts: list[bytes] = []
        for record in page:
            parts += (separator, _feature(record, permit_json))
            separator = b",\n"
        if parts:
            yield b"".join(parts)
    yield b"\n]}\n"


class _Drain:
    """The file pyarrow writes to: it keeps what was written until :meth:`take` hands it on."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        """Nothing is buffered here beyond ``parts``, which :meth:`take` empties."""

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _parquet_table(page: list[PermitRecord]) -> pa.Table:
    columns = [list(values) for values in zip(*map(_values_of, page), strict=True)]
    for i in _MONEY:
        columns[i] = [None if v is None else float(v) for v in columns[i]]
    arrays = [
        pa.array(values, arrow_type)
        for values, arrow_type in zip(columns, PARQUET_SCHEMA.types, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=PARQUET_SCHEMA)


def write_parquet(pages: Pages, permit_json: PermitJson) -> Iterator[bytes]:
    """Typed columns (docs/schema.md), one row group per page; no rows, still a valid file."""
    drain = _Drain()
    writer = pq.ParquetWriter(drain, PARQUET_SCHEMA)
    for page in pages:
        if page:
            writer.write_table(_parquet_table(page))
            yield drain.take()
    writer.close()
    yield drain.take()


@dataclass(frozen=True, slots=True)
class FormatSpec:
    media_type: str
    write: Callable[[Pages, PermitJson], Iterator[bytes]]
    nested: bool  # holds the permit object, so it can carry the raw record; else flat columns


FORMATS: Final[Mapping[ExportFormat, FormatSpec]] = {
    "csv": FormatSpec("text/csv; charset=utf-8", write_csv, nested=False),
    "ndjson": FormatSpec("application/x-ndjson", write_ndjson, nested=True),
    "geojson": FormatSpec("application/geo+json", write_geojson, nested=True),
    "parquet": FormatSpec("application/vnd.apache.parquet", write_parquet, nested=False),
}


def export_permits(
    engine: Engine,
    query: PermitQuery,
    export_format: ExportFormat,
    *,
    permit_json: PermitJson,
    include_raw: bool = False,
    page_size: int = PAGE_SIZE,
    on_page: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """Every permit ``query`` matches (its ``limit`` aside) as ``export_format`` byte chunks.

    ``include_raw`` says whether ``permit_json`` shows each record's ``raw``: only then, and
    only for a format that holds the permit object, is that column read at all.

    The first page is read before this returns, so an unreachable database fails here, while
    the caller can still answer with an error, and not halfway through a download.
    ``on_page`` hears the number of records in each page as it is written.
    """
    spec = FORMATS[export_format]
    pages = iter_pages(engine, query, page_size=page_size, with_raw=include_raw and spec.nested)
    first = next(pages)
    walked: Iterator[list[PermitRecord]] = chain([first], pages)
    if on_page is not None:
        walked = _reporting(walked, on_page)
    return spec.write(walked, permit_json)


def _reporting(
    pages: Iterator[list[PermitRecord]], on_page: Callable[[int], None]
) -> Iterator[list[PermitRecord]]:
    for page in pages:
        yield page
        on_page(len(page))
