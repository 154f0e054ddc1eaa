"""CartoSource over the Philadelphia-shaped SQL API recording, served by the replay portal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from replaying import ENVELOPE_RECORDINGS, StartReplay

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.sources.base import GEOMETRY_KEY, Page
from permitdb.sources.carto import CartoSource
from permitdb.testing import entry_for

RECORDING = "carto/philadelphia-pa/permits.geojson"
SQL = "/phl.carto.com/api/v2/sql"


def philadelphia(**overrides: Any) -> CatalogEntry:
    source = {
        "platform": "carto",
        "base_url": "https://phl.carto.com",
        "table": "permits",
        **overrides.pop("source", {}),
    }
    return entry_for(source, RECORDING, **overrides)


def recorded() -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(
        (ENVELOPE_RECORDINGS / RECORDING).read_text(encoding="utf-8")
    )["features"]
    return [{**f["properties"], GEOMETRY_KEY: f["geometry"]} for f in features]


def records(pages: list[Page]) -> list[dict[str, Any]]:
    return [record for page in pages for record in page.records]


def test_pages_read_every_row_once_with_its_geometry(replay: StartReplay) -> None:
    entry = philadelphia(page_size=5)
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    pages = list(CartoSource(entry, served.client).pages())
    assert [len(page.records) for page in pages] == [5, 5, 5, 2]
    assert [page.resume for page in pages] == [{"offset": n} for n in (5, 10, 15, 17)]
    assert records(pages) == recorded()
    assert served.portal.requests[:2] == [
        f"{SQL}?q=SELECT COUNT(*) AS count FROM permits&format=json",  # checked at the end
        f"{SQL}?q=SELECT * FROM permits ORDER BY cartodb_id LIMIT 5 OFFSET 0&format=GeoJSON",
    ]


def test_resuming_reads_exactly_the_rest(replay: StartReplay) -> None:
    entry = philadelphia(page_size=4)
    source = CartoSource(entry, replay(entry, recordings_dir=ENVELOPE_RECORDINGS).client)
    everything = list(source.pages())
    assert records(list(source.pages(resume=everything[1].resume))) == records(everything[2:])


def test_since_filters_on_the_cursor_and_count_agrees(replay: StartReplay) -> None:
    entry = philadelphia(page_size=3, cursor={"field": "permitissuedate", "kind": "datetime"})
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    source = CartoSource(entry, served.client)
    expected = [row for row in recorded() if row["permitissuedate"] >= "2026-09-10"]
    assert 0 < len(expected) < 17
    assert records(list(source.pages(since="2026-09-10"))) == expected
    assert served.portal.requests[1] == (  # after the count
        f"{SQL}?q=SELECT * FROM permits WHERE \"permitissuedate\" >= '2026-09-10' "
        "ORDER BY cartodb_id LIMIT 3 OFFSET 0&format=GeoJSON"
    )
    assert source.count(since="2026-09-10") == len(expected)
    assert source.count() == 17
    assert served.portal.requests[-1] == (
        f"{SQL}?q=SELECT COUNT(*) AS count FROM permits&format=json"
    )


def test_another_order_by_keeps_cartodb_id_as_tiebreak(replay: StartReplay) -> None:
    entry = philadelphia(page_size=6, source={"order_by": "permitissuedate"})
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    got = records(list(CartoSource(entry, served.client).pages()))
    expected = sorted(recorded(), key=lambda row: (row["permitissuedate"], row["cartodb_id"]))
    assert got == expected
    assert "ORDER BY permitissuedate, cartodb_id LIMIT 6 OFFSET 12" in served.portal.requests[-1]


def test_a_column_list_selects_those_properties(replay: StartReplay) -> None:
    entry = philadelphia(source={"columns": "cartodb_id, permitnumber, the_geom"})
    got = records(
        list(CartoSource(entry, replay(entry, recordings_dir=ENVELOPE_RECORDINGS).client).pages())
    )
    assert got == [
        {k: row[k] for k in ("cartodb_id", "permitnumber", GEOMETRY_KEY)} for row in recorded()
    ]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ({"columns": "permitnumber, permit_no"}, 'column \\\\"permit_no\\\\" does not exist'),
        ({"table": "li_permits"}, 'relation \\\\"li_permits\\\\" does not exist'),
    ],
)
def test_sql_errors_are_fatal_and_name_the_problem(
    replay: StartReplay, source: dict[str, str], problem: str
) -> None:
    entry = philadelphia()
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    wrong = philadelphia(source=source)
    with pytest.raises(FatalSourceError) as error:
        list(CartoSource(wrong, served.client).pages())
    message = str(error.value)
    assert "HTTP 400" in message
    assert problem in message
    assert message.startswith("CARTO refused `SELECT ")
    assert "Fix table, columns, order_by or cursor.field" in message
