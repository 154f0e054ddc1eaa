"""The conformance suite: every bundled catalog file, fetched through its real connector.

No test here knows a city. Each catalog file is validated, its bundled recording is served by
the replay portal on 127.0.0.1 and read by the connector its platform names, and the records
that come back must carry every field the catalog reads, unique primary keys, and only raw
statuses that the catalog's value map covers.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import pytest

from permitdb.catalog.load import BUNDLED_DIR, load_entry_file
from permitdb.catalog.model import CatalogEntry
from permitdb.normalize.rulefiles import value_key
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.testing.portal import ReplayPortal, default_recordings_dir

FILES = sorted(BUNDLED_DIR.rglob("*.yaml"))
ENTRIES = [load_entry_file(path) for path in FILES]
BY_SLUG = {entry.slug: entry for entry in ENTRIES}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fetched(entry: CatalogEntry) -> list[dict[str, Any]]:
    """Every record the connector reads from the entry's recording (read once per entry)."""
    return _fetched(entry.slug)


@cache
def _fetched(slug: str) -> list[dict[str, Any]]:
    entry = BY_SLUG[slug]
    # One portal per entry: file entries of several cities share one upstream URL.
    with ReplayPortal([entry]) as portal, HttpClient(origin_map=portal.origin_map) as client:
        source = build_source(entry, client)
        return [record for page in source.pages() for record in page.records]


def test_every_catalog_file_is_an_entry() -> None:
    assert FILES, f"no catalog files under {BUNDLED_DIR}"
    assert len({entry.slug for entry in ENTRIES}) == len(FILES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.slug)
class TestCatalogEntry:
    def test_validates_and_lives_at_its_slug(self, entry: CatalogEntry) -> None:
        path = BUNDLED_DIR / entry.jurisdiction.slug / f"{entry.dataset}.yaml"
        assert load_entry_file(path) == entry

    def test_recording_yields_at_least_min_rows(self, entry: CatalogEntry) -> None:
        recording = default_recordings_dir() / entry.recording.path
        assert recording.is_file(), f"{entry.slug}: recording {recording} is missing"
        records = fetched(entry)
        assert len(records) >= entry.recording.min_rows
        assert records, "a recording must hold at least one record"

    def test_every_field_read_occurs_in_the_data(self, entry: CatalogEntry) -> None:
        seen = {key for record in fetched(entry) for key in record}
        read = {f for spec in entry.field_specs().values() for f in spec.source_fields()}
        read |= set(entry.primary_key or [])
        if entry.cursor is not None:
            read.add(entry.cursor.field)
        assert sorted(read - seen) == []

    def test_primary_key_is_unique(self, entry: CatalogEntry) -> None:
        if entry.primary_key is None:
            return
        keys = Counter(
            tuple(str(record.get(f)) for f in entry.primary_key) for record in fetched(entry)
        )
        assert [key for key, n in keys.items() if n > 1] == []

    def test_every_raw_status_is_mapped(self, entry: CatalogEntry) -> None:
        spec = entry.field_specs().get("status_raw")
        if spec is None:
            return
        maps = entry.value_maps
        statuses = maps.license_status if entry.kind == "contractor_licenses" else maps.status
        mapped = {value_key(raw) for raw in statuses}
        unmapped = set()
        for record in fetched(entry):
            present = [
                str(record[f]).strip() for f in spec.source_fields() if not blank(record.get(f))
            ]
            if not present:
                continue
            text = spec.join.join(present) if spec.join is not None else present[0]
            text = (spec.map or {}).get(text, text)
            if value_key(text) not in mapped:
                unmapped.add(text)
        assert sorted(unmapped) == []
