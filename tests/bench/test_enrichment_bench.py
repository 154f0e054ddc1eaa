"""The generated licences and parcels join the generated permits through the real pipeline, the
enrichment cell's paths answer, the ``permits alone`` baseline leaves out exactly resolution and
the place refresh, and every budget renders as a line; nothing here is timed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from bench.api_bench import Params
from bench.budgets import judge
from bench.enrichment_bench import PATHS, UNJOINED_APP, enrichment_load
from bench.entities_bench import EntityParams
from bench.generate import write_dataset
from bench.ingest_bench import Dataset, child
from bench.load import drive
from bench.reference import LICENSED_SHARE, PARCEL_SHARE, write_licenses
from bench.report import IngestResult, LoadResult, Machine, Report, render_markdown
from bench.server import create_key, serve
from sqlalchemy import Engine, text

from permitdb.ingest import kinds
from permitdb.services.permits import search
from permitdb.store.permits import PermitQuery

ROWS = 1500
WHOLE_SPAN = (date(2015, 1, 1), date(2026, 6, 30))


def _load(engine: Engine, tmp_path: Path, dataset: Dataset, data: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    child(url, data, "csv", dataset, reset=False, dataset=dataset)


@pytest.fixture
def bench_data(engine: Engine, tmp_path: Path) -> Engine:
    generated = write_dataset(tmp_path / "p.csv", ROWS, 3, "csv", parcels=tmp_path / "roll.csv")
    write_licenses(tmp_path / "l.csv", 3)
    assert generated.parcels > 0
    _load(engine, tmp_path, "permits", generated.path)
    _load(engine, tmp_path, "licences", tmp_path / "l.csv")
    _load(engine, tmp_path, "parcels", tmp_path / "roll.csv")
    return engine


def test_most_permits_carry_a_licence_and_about_half_a_property(bench_data: Engine) -> None:
    page = search(bench_data, PermitQuery(state="TX", limit=500), after=None, include_count=False)
    licensed = sum(1 for r in page.records if r.contractor_id in page.joined.licenses)
    assert len(page.records) == 500
    assert LICENSED_SHARE - 0.2 < licensed / 500 <= 1
    assert PARCEL_SHARE - 0.2 < len(page.joined.properties) / 500 < PARCEL_SHARE + 0.2


@pytest.mark.parametrize("path", [p for p in PATHS if not p.startswith("API")])
def test_each_database_path_answers_without_errors(bench_data: Engine, path: str) -> None:
    params = Params([], [], [WHOLE_SPAN], [], 1, EntityParams("", "", *WHOLE_SPAN))
    stats = drive(
        enrichment_load(path, bench_data, {}, "", params), concurrency=1, requests=3, seconds=10.0
    )
    assert (stats.errors, stats.first_error, stats.requests) == (0, None, 3)


def test_the_unjoined_server_answers_the_same_page_without_licences_and_properties(
    bench_data: Engine, tmp_path: Path
) -> None:
    url, key = bench_data.url.render_as_string(hide_password=False), create_key(bench_data)
    asked = {"state": "TX", "limit": 100}
    with (
        serve(url, tmp_path / "api.log") as base_url,
        serve(url, tmp_path / "bare.log", UNJOINED_APP) as bare_url,
    ):
        urls = {"API": base_url, "API, nothing joined": bare_url}
        pages = {
            path: httpx.get(f"{base}/v1/permits", params=asked, headers={"X-API-Key": key}).json()
            for path, base in urls.items()
        }
        params = Params([], [], [WHOLE_SPAN], [], 1, EntityParams("", "", *WHOLE_SPAN))
        for path in urls:
            stats = drive(
                enrichment_load(path, bench_data, urls, key, params),
                concurrency=1,
                requests=3,
                seconds=10.0,
            )
            assert (stats.errors, stats.first_error, stats.requests) == (0, None, 3)
    joined, bare = pages["API"]["data"], pages["API, nothing joined"]["data"]
    assert [p["id"] for p in joined] == [p["id"] for p in bare]
    assert sum(p["property"] is not None for p in joined) > 20
    assert sum(p["contractor_license"] is not None for p in joined) > 50
    assert all(p["property"] is None and p["contractor_license"] is None for p in bare)
    for permit in bare:  # nothing else differs
        del permit["property"], permit["contractor_license"]
    for permit in joined:
        del permit["property"], permit["contractor_license"]
    assert joined == bare


def test_permits_alone_stores_the_permits_without_contractors_or_places(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the child swaps the baseline kind in for its own process; keep it from leaking here
    monkeypatch.setattr(kinds, "KINDS", kinds.KINDS)
    generated = write_dataset(tmp_path / "p.csv", 300, 4, "csv")
    _load(engine, tmp_path, "permits alone", generated.path)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*), count(contractor_id) FROM permits")).one()
        places = conn.execute(text("SELECT count(*) FROM place_metrics")).scalar_one()
        contractors = conn.execute(text("SELECT count(*) FROM contractors")).scalar_one()
    assert tuple(stored) == (300, 0)
    assert (places, contractors) == (0, 0)


def test_every_budget_renders_as_a_line_with_its_verdict() -> None:
    machine = Machine(2, "Test CPU", 4.0, "Linux", "3.11.7", "3.40.1", "sqlalchemy 2")
    report = Report(datetime(2026, 1, 2, tzinfo=UTC), machine, 1000, 1, "csv", 1024, 0.5)
    report.load = [
        LoadResult("contractor search", "store", 1, 10, 0, 1.0, 1.5, 2.0),
        LoadResult("contractor search", "raw SQL", 1, 10, 0, 1.0, 0.5, 1.0),
        LoadResult("contractor permits", "store", 1, 10, 0, 1.0, 9.0, 9.0),
        LoadResult("contractor permits", "raw SQL", 1, 10, 0, 1.0, 1.0, 1.0),
        LoadResult("permit page", "service", 1, 10, 0, 1.0, 11.0, 12.0),
        LoadResult("permit page", "store", 1, 10, 0, 1.0, 10.0, 11.0),
    ]
    report.ingest = [
        IngestResult("first load", "SQLite", 900, 900, 0, 0, 0, 1.0, 0.1, 1, 1),
        IngestResult("permits alone", "SQLite", 1000, 1000, 0, 0, 0, 1.0, 0.1, 1, 1),
    ]
    report.budgets = judge(report)
    text = render_markdown(report)
    assert (
        "- budget: contractor search p50 (store) ≤ 3× raw SQL + 1 ms — measured: 1.50 ms at "
        "1 thread (raw SQL 0.50 ms: limit 2.50 ms) — met"
    ) in text
    assert "- budget: contractor permits p50 (store) ≤ 3× raw SQL + 1 ms — measured: 9.00" in text
    assert text.count("— not met") == 1  # contractor permits: 9 ms over a 4 ms limit
    assert (
        "p50 (service vs. store) — measured: +10% (11.00 ms vs. 10.00 ms at 1 thread) — met"
    ) in text
    assert "(API vs. API, nothing joined) — measured: — — not measured" in text
    assert "place metrics for 24 months p50 (API) ≤ 20 ms — measured: — — not measured" in text
    assert "— measured: 900 vs. 1,000 rows/s: 90% — met" in text
