"""Golden snapshots: every bundled dataset's recording, normalized, field by field.

``tests/snapshots/<jurisdiction>--<dataset>.ndjson`` holds one canonical JSON line per record
(sorted keys; the first ``LIMIT`` records of big recordings), or the rejection code for a record
normalize refuses. Any change in what normalization produces shows here as the first differing
record and its fields, so a rule change's reach is reviewed rather than discovered.

Left out: ``raw`` (the recording itself), ``fetched_at`` and the store-managed timestamps, and
``content_hash``, a hash of everything else including ``raw`` that would only repeat a diff.
``fetched_at`` is fixed, so the date quality flags that depend on it are stable.

``PERMITDB_UPDATE_SNAPSHOTS=1`` rewrites the files, and the test then fails saying so: a run
that updates snapshots can never pass, so CI cannot bless a change by accident.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import orjson
import pytest

from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import RecordRejected
from permitdb.ingest.kinds import kind_of
from permitdb.normalize.new_construction import is_record
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import read_recording

SNAPSHOTS: Final = Path(__file__).resolve().parent / "snapshots"
UPDATE: Final = os.environ.get("PERMITDB_UPDATE_SNAPSHOTS") == "1"
FETCHED_AT: Final = datetime(2026, 12, 1, tzinfo=UTC)
LIMIT: Final = 200
LEFT_OUT: Final = frozenset({"raw", "fetched_at", "first_seen_at", "updated_at", "content_hash"})
ENTRIES: Final = {entry.slug: entry for entry in load_catalog()}


def snapshot_lines(entry: CatalogEntry) -> list[bytes]:
    lines = []
    normalize = kind_of(entry).normalize
    for row, raw in enumerate(read_recording(entry, default_recordings_dir())[:LIMIT]):
        shown: dict[str, Any]
        if not is_record(entry, raw, fetched_at=FETCHED_AT):
            # ingest skips it (e.g. an assessor row built long ago): the snapshot guards that too
            lines.append(orjson.dumps({"@row": row, "skipped": True}))
            continue
        try:
            record = normalize(entry, raw, fetched_at=FETCHED_AT)
        except RecordRejected as exc:
            shown = {"@row": row, "rejected": exc.code, "message": str(exc)}
        else:
            fields = dataclasses.asdict(record)
            shown = {"@row": row} | {k: v for k, v in fields.items() if k not in LEFT_OUT}
        # Decimals as their exact text: a float would hide a changed cent.
        lines.append(orjson.dumps(shown, option=orjson.OPT_SORT_KEYS, default=str))
    return lines


def first_difference(expected: list[bytes], actual: list[bytes]) -> str | None:
    for want, got in zip(expected, actual, strict=False):
        if want != got:
            before, after = orjson.loads(want), orjson.loads(got)
            fields = sorted(
                f"  {name}: snapshot {before.get(name)!r}, now {after.get(name)!r}"
                for name in before.keys() | after.keys()
                if before.get(name) != after.get(name)
            )
            return f"record @row {before.get('@row')} differs:\n" + "\n".join(fields)
    if len(expected) != len(actual):
        return f"the snapshot has {len(expected)} records, normalization now gives {len(actual)}"
    return None


@pytest.mark.parametrize("slug", sorted(ENTRIES))
def test_normalized_recording_matches_its_snapshot(slug: str) -> None:
    entry = ENTRIES[slug]
    path = SNAPSHOTS / f"{entry.jurisdiction.slug}--{entry.dataset}.ndjson"
    actual = snapshot_lines(entry)
    assert actual, f"{entry.recording.path} holds no records"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_bytes(b"\n".join(actual) + b"\n")
        pytest.fail(f"rewrote {path}; unset PERMITDB_UPDATE_SNAPSHOTS and run the tests again")
    if not path.exists():
        pytest.fail(f"no snapshot {path}: create it with PERMITDB_UPDATE_SNAPSHOTS=1")
    expected = path.read_bytes().splitlines()
    difference = first_difference(expected, actual)
    assert difference is None, (
        f"{slug}: normalization no longer matches {path.name}\n{difference}\n"
        "If the change is intended, rewrite it with PERMITDB_UPDATE_SNAPSHOTS=1 and review "
        "the diff."
    )
