"""Whole-file sources: a CSV, NDJSON or JSON-array file at an http(s) URL or a local path.

A file has no server-side filter or paging, so every sync reads it from the top: ``since`` is
ignored (upserts by primary key and unchanged content hashes make re-reading harmless), and
``resume`` = ``{"row": n}`` skips the ``n`` rows already committed. CSV and NDJSON are streamed
line by line (and gunzipped on the fly for a ``.gz`` name), so memory is bounded by the page
size; a JSON array is parsed whole, because the records only exist once the closing bracket is
read. ``match`` keeps only the rows of interest, standing in for a portal's server-side filter.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import orjson

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.sources.base import Page, RawRecord, ResumeToken, source_config
from permitdb.sources.http import HttpClient
from permitdb.sources.paging import resume_position
from permitdb.sources.text import (
    MALFORMED_LINE,
    UNDECODABLE_RECORD,
    UNREADABLE_KEY,
    LineDecoder,
    unreadable,
)

EXTRA_CELLS_KEY = "@extra"  # cells beyond the header row (column-shifted rows keep their data)


def csv_records(
    lines: Iterable[str],
    decoder: LineDecoder | None = None,
    location: str = "the CSV",
    columns: Sequence[str] | None = None,
) -> Iterator[RawRecord]:
    """Rows of CSV text as ``{header: cell}``; empty cells stay ``""`` (normalize reads null).

    A short row fills its missing cells with ``""``; a long row keeps the surplus cells as a
    list under ``EXTRA_CELLS_KEY``. A row with a line ``decoder`` could not decode is marked
    unreadable (the reader pulls exactly a row's lines before yielding it); an undecodable
    header would misname every column, so it stops the dataset. Without a decoder the lines
    are text already (a recording read by the replay portal). ``columns`` names the cells of a
    file that has no header row (catalog ``columns``): every row is then a record.
    """
    decoder = decoder or LineDecoder(None)
    reader = csv.DictReader(lines, fieldnames=columns, restkey=EXTRA_CELLS_KEY, restval="")
    if columns is None and reader.fieldnames is not None and (problems := decoder.take_problems()):
        raise FatalSourceError(f"{location}: the header row does not decode ({problems[0]}).")
    for row in reader:
        if problems := decoder.take_problems():
            row[UNREADABLE_KEY] = unreadable(UNDECODABLE_RECORD, "; ".join(problems))
        yield row


def row_pages(
    records: Iterable[RawRecord], page_size: int, resume: ResumeToken | None
) -> Iterator[Page]:
    """Pages of ``page_size`` records, skipping the rows a ``{"row": n}`` token says are done."""
    done = resume_position(resume, "row")
    remaining = iter(islice(records, done, None))
    while page := list(islice(remaining, page_size)):
        done += len(page)
        yield Page(records=page, resume={"row": done})


class FileSource:
    """Reads a ``platform: file`` catalog entry."""

    def __init__(self, entry: CatalogEntry, client: HttpClient) -> None:
        self._entry = entry
        self._config = source_config(entry, catalog.FileSource)
        self._client = client

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]:
        return row_pages(self._records(), self._entry.page_size, resume)

    def count(self, *, since: str | None = None) -> int | None:
        return None  # only known after reading the whole file

    def _records(self) -> Iterator[RawRecord]:
        wanted = self._config.match
        for record in self._parsed():
            if all(str(record.get(key, "")).strip() == value for key, value in wanted.items()):
                yield record

    def _parsed(self) -> Iterator[RawRecord]:
        decoder = LineDecoder(self._config.encoding)
        match self._config.format:
            case "csv":
                yield from csv_records(
                    self._lines(decoder), decoder, self._location, self._config.columns
                )
            case "ndjson":
                for number, line in enumerate(self._lines(decoder), start=1):
                    if line.strip():
                        yield _ndjson_record(number, line, decoder.take_problems())
            case "json":
                yield from self._array()

    @property
    def _remote(self) -> bool:
        return self._config.url.startswith(("http://", "https://"))

    @property
    def _location(self) -> str:
        return self._config.url if self._remote else str(self._path)

    @property
    def _path(self) -> Path:
        return Path(self._config.url).resolve()  # a relative path means the current directory

    @property
    def _gzipped(self) -> bool:
        return urlsplit(self._config.url).path.endswith(".gz")

    def _lines(self, decoder: LineDecoder) -> Iterator[str]:
        if self._remote:
            yield from self._client.stream_lines(
                self._config.url, gzipped=self._gzipped, decoder=decoder
            )
            return
        with self._open_path() as handle:
            for number, line in enumerate(handle, start=1):
                yield decoder.decode(number, line)

    def _open_path(self) -> BinaryIO | gzip.GzipFile:
        try:
            if self._gzipped:
                return gzip.open(self._path, "rb")
            return self._path.open("rb")
        except FileNotFoundError:
            raise FatalSourceError(
                f"{self._entry.slug}: file {self._path} does not exist. Fix source.url in the "
                "catalog entry (relative paths are read from the current directory)."
            ) from None

    def _array(self) -> Iterator[RawRecord]:
        if self._remote:
            document = self._client.get_json(self._config.url)
        else:
            with self._open_path() as handle:
                text = self._decoded(handle.read())
            document = _parse_json(text, "the document", self._location)
        found: Any = document
        if self._config.records_path:
            for key in self._config.records_path.split("."):
                found = found.get(key) if isinstance(found, dict) else None
        if not isinstance(found, list):
            raise FatalSourceError(
                f"{self._location}: expected a JSON array of records at "
                f"{self._config.records_path or 'the top level'!r}, found {type(found).__name__}. "
                "Set records_path in the catalog entry to the dotted path of the array."
            )
        for item in found:
            yield self._record(item)

    def _decoded(self, body: bytes) -> str:
        """A whole JSON document: one bad byte makes it unparseable, so it stops the dataset."""
        encoding = self._config.encoding or "utf-8-sig"
        try:
            return body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise FatalSourceError(
                f"{self._location}: byte 0x{body[exc.start]:02x} at offset {exc.start} is not "
                f"{encoding}. Set source.encoding in the catalog entry to the file's encoding."
            ) from None

    def _record(self, item: Any) -> RawRecord:
        if not isinstance(item, dict):
            raise FatalSourceError(
                f"{self._location}: a record is a JSON {type(item).__name__}, not an object. "
                "Point records_path (or the URL) at an array of objects."
            )
        return item


def _ndjson_record(number: int, line: str, problems: list[str]) -> RawRecord:
    """One NDJSON line; a line that is no JSON object (truncated, a lone surrogate escape)
    becomes an unreadable record carrying its text, so the rest of the file loads."""
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        message = f"line {number} is not valid JSON ({exc})"
        return {UNREADABLE_KEY: unreadable(MALFORMED_LINE, message), "@line": line[:2000]}
    if not isinstance(item, dict):
        message = f"line {number} is a JSON {type(item).__name__}, not an object"
        return {UNREADABLE_KEY: unreadable(MALFORMED_LINE, message), "@line": line[:2000]}
    if problems:
        item[UNREADABLE_KEY] = unreadable(UNDECODABLE_RECORD, "; ".join(problems))
    return item


def _parse_json(text: str, what: str, location: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise FatalSourceError(
            f"{location}: {what} is not valid JSON ({exc}). Check the file's format in the "
            "catalog entry (csv, ndjson or json)."
        ) from None
