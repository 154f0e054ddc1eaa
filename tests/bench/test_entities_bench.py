"""The contractor and place cells of ``make bench`` run against data the real pipeline resolved
and rolled up, and the store path reads what the raw SQL floor reads; nothing is timed."""

from __future__ import annotations

import pytest
from bench.entities_bench import ENTITY_QUERIES, EntityParams, entity_load, entity_params
from bench.load import drive
from sqlalchemy import Engine, text

from permitdb.catalog.load import load_catalog
from permitdb.ingest.run import ingest_catalog
from permitdb.sources.http import HttpClient
from permitdb.testing.portal import ReplayPortal

AUSTIN = "austin-tx/issued-construction-permits"  # the generated bench data is Austin's


@pytest.fixture
def austin(engine: Engine) -> EntityParams:
    entries = [entry for entry in load_catalog() if entry.slug == AUSTIN]
    with ReplayPortal(entries) as portal, HttpClient(origin_map=portal.origin_map) as client:
        (summary,) = ingest_catalog(engine, entries, client)
    assert summary.status == "succeeded"
    return entity_params(engine)


def test_the_cells_ask_for_the_busiest_contractor_and_city(
    engine: Engine, austin: EntityParams
) -> None:
    with engine.connect() as conn:
        busiest = conn.execute(
            text(
                "SELECT contractor_id FROM permits WHERE state = 'TX' AND contractor_id IS NOT "
                "NULL GROUP BY contractor_id ORDER BY count(*) DESC, contractor_id LIMIT 1"
            )
        ).scalar_one()
    assert austin.contractor_id == busiest
    assert austin.geo_id == "city-tx-austin"
    assert austin.start < austin.end


@pytest.mark.parametrize("query", ENTITY_QUERIES)
@pytest.mark.parametrize("path", ["store", "raw SQL"])
def test_each_cell_answers_without_errors(
    engine: Engine, austin: EntityParams, query: str, path: str
) -> None:
    load = entity_load(path, query, engine, "http://127.0.0.1:9", "unused", austin)
    stats = drive(load, concurrency=1, requests=3, seconds=10.0)
    assert (stats.errors, stats.first_error) == (0, None)
    assert stats.requests == 3
