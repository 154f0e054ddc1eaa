"""Normalize one page of raw records into what the store writes in one transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import RecordRejected
from permitdb.ingest import cursor as cursors
from permitdb.ingest.kinds import kind_of
from permitdb.normalize.new_construction import is_record
from permitdb.normalize.record import source_record_id, storable
from permitdb.sources.base import RawRecord
from permitdb.store.ingest_state import Rejected

# A bug-shaped failure on one odd record must not stop a million-row run: the record goes to
# quarantine with this code and its payload, where `permitdb quarantine` shows it.
UNEXPECTED_VALUE = "unexpected_value"
# what a converter meeting a value no rule foresaw raises (a bug, not the record's fault)
UNEXPECTED_ERRORS = (ValueError, TypeError, KeyError, ArithmeticError, AttributeError)


@dataclass(slots=True)
class NormalizedPage:
    records: list[Any] = field(default_factory=list)  # the entry's kind of canonical record
    rejects: list[Rejected] = field(default_factory=list)
    fetched: int = 0
    skipped: int = 0  # rows the dataset's definition leaves out (normalize/new_construction.py)
    duplicates: int = 0  # earlier copies of a key this page repeats (the last copy is kept)
    max_cursor: str | None = None


def normalize_page(
    entry: CatalogEntry, raws: Sequence[RawRecord], *, fetched_at: datetime
) -> NormalizedPage:
    """Normalize every record; rejects are kept with their reason, duplicates flagged.

    The same source key twice in one page keeps the last copy (portals list the newest
    version last when they list a record twice) and flags it ``duplicate_source_row``.
    """
    page = NormalizedPage(fetched=len(raws))
    normalize = kind_of(entry).normalize
    by_key: dict[str, Any] = {}
    for raw in raws:
        if entry.cursor is not None:
            page.max_cursor = cursors.later(
                entry.cursor, page.max_cursor, cursors.cursor_text(raw.get(entry.cursor.field))
            )
        if not is_record(entry, raw, fetched_at=fetched_at):
            page.skipped += 1
            continue
        try:
            record = normalize(entry, raw, fetched_at=fetched_at)
        except RecordRejected as exc:
            page.rejects.append(_rejected(entry, raw, exc.code, str(exc), exc.field))
            continue
        except UNEXPECTED_ERRORS as exc:
            page.rejects.append(
                _rejected(entry, raw, UNEXPECTED_VALUE, f"{type(exc).__name__}: {exc}", None)
            )
            continue
        previous = by_key.get(record.source_record_id)
        if previous is not None:
            page.duplicates += 1
            flags = sorted({*record.quality_flags, "duplicate_source_row"})
            record = dataclasses.replace(record, quality_flags=flags)
        by_key[record.source_record_id] = record
    page.records = list(by_key.values())
    return page


def _rejected(
    entry: CatalogEntry, raw: RawRecord, code: str, message: str, field_name: str | None
) -> Rejected:
    """The reject with its source key when the key can be read, so that the quarantine entry
    is resolved when the same record loads later (store/quarantine.py)."""
    try:
        key: str | None = source_record_id(entry, raw)
    except RecordRejected:
        key = None
    return Rejected(
        source_record_id=key, code=code, message=message, field=field_name, raw=storable(raw)
    )
