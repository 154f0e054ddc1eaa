"""Portals misbehaving in ordinary ways never end in ``succeeded`` over missing data.

The real connectors read the replay portal with faults injected (``testing/faults.py``): each
fault ends in a retry that loads exactly what a fault-free run loads, or in ``incomplete`` /
``failed`` with the cursor where it was and a message that says what to do.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry
from permitdb.ingest.run import RunSummary, ingest_dataset
from permitdb.settings import Settings
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store import ingest_state, tables
from permitdb.store.engine import create_engine_for
from permitdb.testing import entry_for
from permitdb.testing.faults import (
    CountMismatch,
    EmptyPage,
    EsriError,
    Fault,
    IgnoreOffset,
    Malformed,
    RepeatPage,
    SilentCap,
    inject,
)
from permitdb.testing.portal import ReplayPortal

ENVELOPE_RECORDINGS = Path(__file__).parents[1] / "fixtures" / "recordings"
# Retries without waiting: the faults under test are in the answers, not in the clock.
RETRIES = 3
SETTINGS = Settings(_env_file=None, http_max_retries=RETRIES, http_backoff_max_s=0.0)

StoredRows = set[tuple[str, str]]


@functools.cache
def bundled_entry(slug: str) -> CatalogEntry:
    (entry,) = select_entries(load_catalog(), [slug])
    return entry


def catalog_entry(slug: str, **changes: object) -> CatalogEntry:
    return bundled_entry(slug).model_copy(update=changes)


def envelope_entry(
    source: dict[str, str], recording: str, key: str, cursor: str, fields: dict[str, str]
) -> CatalogEntry:
    """A CKAN or CARTO envelope recording (tests only), with a field map of its own."""
    return entry_for(
        source,
        recording,
        page_size=5,
        primary_key=[key],
        cursor={"field": cursor, "kind": "datetime"},
        fields=fields,
    )


BOSTON = {
    "platform": "ckan",
    "base_url": "https://data.boston.gov",
    "resource_id": "6ddcd912-32a0-43df-9908-63574f8c7e77",
}
PHILADELPHIA = {"platform": "carto", "base_url": "https://phl.carto.com", "table": "permits"}


# (entry, recordings dir): 17 Austin rows in pages of 4, 16 Denver rows in pages of 4, and
# the CKAN and CARTO envelopes in pages of 5.
DATASETS: dict[str, Callable[[], tuple[CatalogEntry, Path | None]]] = {
    "socrata": lambda: (catalog_entry("austin-tx/issued-construction-permits", page_size=4), None),
    "arcgis": lambda: (
        catalog_entry("denver-co/residential-construction-permits", page_size=4),
        None,
    ),
    "ckan": lambda: (
        envelope_entry(
            BOSTON,
            "ckan/boston-ma/datastore-search.json",
            "_id",
            "issued_date",
            {"permit_number": "permitnumber", "description": "description"},
        ),
        ENVELOPE_RECORDINGS,
    ),
    "carto": lambda: (
        envelope_entry(
            PHILADELPHIA,
            "carto/philadelphia-pa/permits.geojson",
            "cartodb_id",
            "permitissuedate",
            {"permit_number": "permitnumber", "description": "typeofwork"},
        ),
        ENVELOPE_RECORDINGS,
    ),
}
PAGED = sorted(DATASETS)


def sync(
    engine: Engine,
    entry: CatalogEntry,
    recordings: Path | None,
    *faults: Fault,
    failing: int = 0,
) -> RunSummary:
    """One ingest of ``entry`` through a portal with ``faults`` (and ``failing`` HTTP 503s)."""
    with (
        ReplayPortal([entry], recordings) as portal,
        HttpClient(settings=SETTINGS, origin_map=portal.origin_map, sleep=lambda _: None) as client,
    ):
        answers = inject(portal, entry, *faults)
        portal.fail_next(failing)
        summary = ingest_dataset(engine, entry, build_source(entry, client))
    assert bool(answers.faulted) == bool(faults), "the fault under test never happened"
    return summary


def stored(engine: Engine, dataset: str) -> StoredRows:
    query = sa.select(tables.permits.c.source_record_id, tables.permits.c.content_hash).where(
        tables.permits.c.dataset == dataset
    )
    with engine.connect() as conn:
        return {(row.source_record_id, row.content_hash) for row in conn.execute(query)}


def cursor_of(engine: Engine, dataset: str) -> str | None:
    with engine.connect() as conn:
        state = ingest_state.load_state(conn, dataset)
    return state.cursor_value if state else None


@pytest.fixture
def fault_free(
    sqlite_template: Path, tmp_path: Path
) -> Callable[[CatalogEntry, Path | None], StoredRows]:
    """What a fault-free run of an entry stores, read into a database of its own."""

    def load(entry: CatalogEntry, recordings: Path | None) -> StoredRows:
        path = tmp_path / f"fault-free-{len(list(tmp_path.iterdir()))}.sqlite"
        shutil.copyfile(sqlite_template, path)
        clean = create_engine_for(f"sqlite:///{path}")
        try:
            summary = sync(clean, entry, recordings)
            assert summary.status == "succeeded", summary.error
            assert summary.cursor_after is not None  # so an unmoved cursor below means something
            return stored(clean, entry.slug)
        finally:
            clean.dispose()

    return load


def assert_loads_everything(
    engine: Engine,
    platform: str,
    fault_free: Callable[[CatalogEntry, Path | None], StoredRows],
    *faults: Fault,
) -> RunSummary:
    entry, recordings = DATASETS[platform]()
    summary = sync(engine, entry, recordings, *faults)
    assert (summary.status, summary.error) == ("succeeded", None)
    assert stored(engine, entry.slug) == fault_free(entry, recordings)
    return summary


def assert_stops_with_cursor_unmoved(
    engine: Engine,
    platform: str,
    fault_free: Callable[[CatalogEntry, Path | None], StoredRows],
    *faults: Fault,
    status: str = "incomplete",
) -> str:
    """The faulty run ends ``status`` with the cursor unmoved; a clean rerun then recovers all."""
    entry, recordings = DATASETS[platform]()
    summary = sync(engine, entry, recordings, *faults)
    assert summary.status == status, summary.error
    assert summary.error is not None
    assert summary.cursor_after is None
    assert cursor_of(engine, entry.slug) is None
    complete = fault_free(entry, recordings)
    assert len(stored(engine, entry.slug)) < len(complete)

    rerun = sync(engine, entry, recordings)
    assert rerun.status == "succeeded", rerun.error
    assert stored(engine, entry.slug) == complete
    return summary.error


# --- faults a retry or the paging itself gets past: everything loads -------------------------


GOT_PAST: dict[str, Fault] = {
    "an empty page once in mid-stream is asked for again": EmptyPage(at=2),
    "a page served twice once is asked for again": RepeatPage(at=3),
    "pages capped silently below the page size go on at the real size": SilentCap(rows=3),
    # The walk reads on past the count (within its margin) to the portal's real end.
    "a count below what the portal serves": CountMismatch(delta=-3),
}


@pytest.mark.parametrize("platform", PAGED)
@pytest.mark.parametrize("fault", GOT_PAST.values(), ids=GOT_PAST.keys())
def test_a_fault_got_past_loads_exactly_what_a_fault_free_run_loads(
    engine: Engine, platform: str, fault: Fault, fault_free: Any
) -> None:
    assert_loads_everything(engine, platform, fault_free, fault)


def test_an_arcgis_empty_page_claiming_more_once_is_asked_for_again(
    engine: Engine, fault_free: Any
) -> None:
    assert_loads_everything(engine, "arcgis", fault_free, EmptyPage(at=2, claim_more=True))


def test_an_arcgis_http_200_error_body_once_is_retried(engine: Engine, fault_free: Any) -> None:
    assert_loads_everything(engine, "arcgis", fault_free, EsriError(at=2))


def test_a_file_whose_server_fails_once_is_fetched_again(engine: Engine) -> None:
    entry = catalog_entry("los-angeles-ca/adu-garage-permit-records")
    summary = sync(engine, entry, None, failing=1)
    assert (summary.status, summary.error) == ("succeeded", None)
    assert summary.fetched == entry.recording.min_rows


# --- faults that cannot be got past: incomplete or failed, the cursor unmoved ----------------


STOPPED: dict[str, tuple[Fault, str]] = {
    "a portal ignoring the offset, not endless paging": (
        IgnoreOffset(),
        "ignores the offset or served a page twice",
    ),
    "an empty page that keeps coming back": (EmptyPage(at=2, times=None), "empty page at offset"),
    "the same page again and again": (
        RepeatPage(at=2, times=None),
        "exactly the records of the page at offset",
    ),
}


STOPPED_CASES = [
    pytest.param(platform, fault, said, id=f"{platform}-{name}")
    for platform in PAGED
    for name, (fault, said) in STOPPED.items()
    # ArcGIS pages a server that ignores resultOffset by object-id ranges: tested below.
    if not (platform == "arcgis" and isinstance(fault, IgnoreOffset | RepeatPage))
]


@pytest.mark.parametrize(("platform", "fault", "said"), STOPPED_CASES)
def test_a_fault_not_got_past_ends_incomplete_with_the_cursor_unmoved(
    engine: Engine, platform: str, fault: Fault, said: str, fault_free: Any
) -> None:
    error = assert_stops_with_cursor_unmoved(engine, platform, fault_free, fault)
    assert said in error
    assert "rerun the sync later" in error


@pytest.mark.parametrize("platform", PAGED)
def test_a_count_above_what_the_portal_serves_ends_incomplete(
    engine: Engine, platform: str, fault_free: Any
) -> None:
    entry, recordings = DATASETS[platform]()
    summary = sync(engine, entry, recordings, CountMismatch(delta=20))
    assert summary.status == "incomplete", summary.error
    assert summary.error is not None
    assert "while it counts" in summary.error
    assert cursor_of(engine, entry.slug) is None
    # Every row the portal has was read and kept: the next run resumes after them.
    assert stored(engine, entry.slug) == fault_free(entry, recordings)


def test_an_arcgis_server_ignoring_the_offset_is_paged_by_object_id_ranges(
    engine: Engine, fault_free: Any
) -> None:
    assert_loads_everything(engine, "arcgis", fault_free, IgnoreOffset())


def test_an_arcgis_server_answering_one_page_whatever_is_asked_ends_incomplete(
    engine: Engine, fault_free: Any
) -> None:
    fault = RepeatPage(at=2, times=None)
    error = assert_stops_with_cursor_unmoved(engine, "arcgis", fault_free, fault)
    assert "ignores the where clause" in error


def test_an_arcgis_empty_page_claiming_more_again_and_again_ends_incomplete(
    engine: Engine, fault_free: Any
) -> None:
    fault = EmptyPage(at=2, times=None, claim_more=True)
    error = assert_stops_with_cursor_unmoved(engine, "arcgis", fault_free, fault)
    assert "exceededTransferLimit" in error


def test_an_arcgis_error_body_that_persists_fails_with_advice(
    engine: Engine, fault_free: Any
) -> None:
    error = assert_stops_with_cursor_unmoved(
        engine, "arcgis", fault_free, EsriError(at=2, times=None), status="failed"
    )
    assert "ArcGIS error 500" in error
    assert "run the sync again later" in error


def without_features(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "features": [None]}


MALFORMED: list[tuple[str, Fault, str]] = [
    ("socrata", Malformed(at=2, transform=lambda rows: [1, *rows]), "expected a JSON array"),
    ("arcgis", Malformed(at=2, transform=without_features), "malformed answer"),
    (
        "arcgis",
        Malformed(kind="description", transform=lambda doc: {**doc, "maxRecordCount": "lots"}),
        "maxRecordCount 'lots'",
    ),
    (
        "ckan",
        Malformed(
            at=2,
            transform=lambda doc: {**doc, "result": {**doc["result"], "records": [[1, 2]]}},
        ),
        "records are not all objects",
    ),
    ("carto", Malformed(at=2, transform=without_features), "malformed answer"),
]


@pytest.mark.parametrize(
    ("platform", "fault", "said"), MALFORMED, ids=[f"{p}-{s}" for p, _, s in MALFORMED]
)
def test_a_malformed_answer_fails_the_dataset_with_a_message_not_a_traceback(
    engine: Engine, platform: str, fault: Fault, said: str, fault_free: Any
) -> None:
    entry, recordings = DATASETS[platform]()
    summary = sync(engine, entry, recordings, fault)
    assert summary.status == "failed"
    assert summary.error is not None
    assert summary.error.startswith("FatalSourceError: "), summary.error
    assert said in summary.error
    assert cursor_of(engine, entry.slug) is None
    rerun = sync(engine, entry, recordings)
    assert rerun.status == "succeeded", rerun.error
    assert stored(engine, entry.slug) == fault_free(entry, recordings)


def test_a_file_whose_server_keeps_failing_fails_with_the_cursor_unmoved(engine: Engine) -> None:
    entry = catalog_entry("los-angeles-ca/adu-garage-permit-records")
    summary = sync(engine, entry, None, failing=RETRIES + 1)
    assert summary.status == "failed"
    assert summary.error is not None
    assert "run the sync again later" in summary.error
    assert cursor_of(engine, entry.slug) is None
    assert stored(engine, entry.slug) == set()
