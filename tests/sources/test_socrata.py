"""SocrataSource over recorded SODA responses and CSV exports, served by the replay portal."""

from __future__ import annotations

import csv
import json
import logging
from typing import Any

import pytest
from replaying import RECORDINGS, StartReplay

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.sources.base import Page
from permitdb.sources.socrata import SocrataSource
from permitdb.testing import entry_for

AUSTIN_SOURCE = {"platform": "socrata", "domain": "data.austintexas.gov", "dataset_id": "3syk-w9eu"}
AUSTIN_RECORDING = "socrata/austin-tx/issued-construction-permits.json"
SF_SOURCE = {"platform": "socrata", "domain": "data.sfgov.org", "dataset_id": "i98e-djp9"}
SF_RECORDING = "socrata/san-francisco-ca/building-permits.json"
NYC_EXPORT_SOURCE = {
    "platform": "socrata",
    "domain": "data.cityofnewyork.us",
    "dataset_id": "ic3t-wcy2",
    "api": "export",
}
NYC_EXPORT_RECORDING = "socrata/new-york-city-ny/dob-job-application-filings.csv"


def austin(**overrides: Any) -> CatalogEntry:
    return entry_for(AUSTIN_SOURCE, AUSTIN_RECORDING, **overrides)


def recorded(path: str) -> list[dict[str, Any]]:
    if path.endswith(".csv"):
        with (RECORDINGS / path).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    rows: list[dict[str, Any]] = json.loads((RECORDINGS / path).read_text(encoding="utf-8"))
    return rows


def records(pages: list[Page]) -> list[dict[str, Any]]:
    return [record for page in pages for record in page.records]


def test_every_row_comes_back_once_in_pages_of_page_size(replay: StartReplay) -> None:
    entry = austin(page_size=5)
    served = replay(entry)
    pages = list(SocrataSource(entry, served.client).pages())
    assert [len(page.records) for page in pages] == [5, 5, 5, 2]
    assert [page.resume for page in pages] == [
        {"offset": 5},
        {"offset": 10},
        {"offset": 15},
        {"offset": 17},
    ]
    assert records(pages) == recorded(AUSTIN_RECORDING)  # untouched: strings, objects, gaps
    assert served.portal.requests[:2] == [
        "/data.austintexas.gov/resource/3syk-w9eu.json?$select=count(*)",  # checked at the end
        "/data.austintexas.gov/resource/3syk-w9eu.json?$order=:id&$limit=5&$offset=0",
    ]


def test_a_full_last_page_costs_one_empty_request_and_no_empty_page(replay: StartReplay) -> None:
    entry = entry_for(SF_SOURCE, SF_RECORDING, page_size=11)
    served = replay(entry)
    pages = list(SocrataSource(entry, served.client).pages())
    assert [len(page.records) for page in pages] == [11, 11]
    assert len(served.portal.requests) == 4  # the count, two pages, an empty one
    ids = [record[":id"] for record in records(pages)]
    assert ids == sorted(ids)  # $order=:id
    assert len(set(ids)) == 22


def test_resuming_from_a_page_token_reads_exactly_the_rest(replay: StartReplay) -> None:
    entry = austin(page_size=4)
    served = replay(entry)
    source = SocrataSource(entry, served.client)
    everything = list(source.pages())
    resumed = list(source.pages(resume=everything[1].resume))
    assert records(resumed) == records(everything[2:])
    assert records(everything[:2]) + records(resumed) == recorded(AUSTIN_RECORDING)


def test_since_filters_on_the_cursor_and_count_agrees(replay: StartReplay) -> None:
    entry = austin(page_size=3, cursor={"field": "issue_date", "kind": "datetime"})
    served = replay(entry)
    source = SocrataSource(entry, served.client)
    since = "2026-09-10T00:00:00.000"
    got = records(list(source.pages(since=since)))
    expected = [row for row in recorded(AUSTIN_RECORDING) if row["issue_date"] >= since]
    assert len(expected) == 8
    assert got == expected
    assert all(
        "$where=issue_date >= '2026-09-10T00:00:00.000'" in request
        for request in served.portal.requests
    )
    assert source.count(since=since) == 8
    assert source.count() == 17


def test_a_static_where_is_anded_with_the_cursor_clause(replay: StartReplay) -> None:
    entry = entry_for(
        {**AUSTIN_SOURCE, "where": "permit_class_mapped = 'Commercial'"},
        AUSTIN_RECORDING,
        cursor={"field": "issue_date", "kind": "datetime"},
    )
    served = replay(entry)
    assert SocrataSource(entry, served.client).count(since="2026-09-23") == 2
    assert served.portal.requests == [
        "/data.austintexas.gov/resource/3syk-w9eu.json?$select=count(*)"
        "&$where=(permit_class_mapped = 'Commercial') AND issue_date >= '2026-09-23'"
    ]


def test_numeric_cursors_compare_as_numbers(replay: StartReplay) -> None:
    entry = austin(cursor={"field": "number_of_floors", "kind": "number"})
    served = replay(entry)
    got = records(list(SocrataSource(entry, served.client).pages(since="9")))
    assert sorted(int(row["number_of_floors"]) for row in got) == [9, 9, 9, 24, 32, 67, 67]
    assert "$where=number_of_floors >= 9" in served.portal.requests[0]


@pytest.mark.parametrize(
    ("cursor", "since", "advice"),
    [
        (None, "2026-01-01", "Add `cursor: {field: ...}`"),
        ({"field": "number_of_floors", "kind": "number"}, "ten", "Fix cursor.kind"),
    ],
)
def test_unusable_since_values_are_fatal(
    replay: StartReplay, cursor: dict[str, str] | None, since: str, advice: str
) -> None:
    entry = austin(cursor=cursor)
    served = replay(entry)
    with pytest.raises(FatalSourceError, match=advice):
        next(SocrataSource(entry, served.client).pages(since=since))
    assert served.portal.requests == []


def test_quotes_in_since_are_escaped_for_soql(replay: StartReplay) -> None:
    entry = austin(cursor={"field": "permit_number", "kind": "string"})
    served = replay(entry)
    assert list(SocrataSource(entry, served.client).pages(since="2026-09' OR 'a")) != []
    assert "$where=permit_number >= '2026-09'' OR ''a'" in served.portal.requests[0]


def test_a_custom_order_gets_the_row_id_as_tiebreak(replay: StartReplay) -> None:
    entry = entry_for({**AUSTIN_SOURCE, "order": "issue_date DESC"}, AUSTIN_RECORDING)
    served = replay(entry)
    got = records(list(SocrataSource(entry, served.client).pages()))
    assert "$order=issue_date DESC,:id" in served.portal.requests[1]  # [0]: the count
    dates = [row["issue_date"] for row in got]
    assert dates == sorted(dates, reverse=True)


def test_select_and_app_token_are_sent(
    replay: StartReplay, caplog: pytest.LogCaptureFixture
) -> None:
    entry = entry_for({**SF_SOURCE, "select": "permit_number,status"}, SF_RECORDING)
    served = replay(entry, app_token="tok3n")
    with caplog.at_level(logging.DEBUG, logger="permitdb.sources"):
        got = records(list(SocrataSource(entry, served.client).pages()))
    assert {tuple(row) for row in got} == {("permit_number", "status")}
    assert "$select=permit_number,status" in served.portal.requests[1]  # [0]: the count
    assert "'x-app-token': 'REDACTED'" in caplog.text
    assert "tok3n" not in caplog.text


def test_a_wrong_dataset_id_is_fatal_with_advice(replay: StartReplay) -> None:
    served = replay(austin())
    wrong = entry_for({**AUSTIN_SOURCE, "dataset_id": "zzzz-zzzz"}, AUSTIN_RECORDING)
    with pytest.raises(FatalSourceError, match="dataset id or URL in the catalog entry is wrong"):
        list(SocrataSource(wrong, served.client).pages())


def test_a_foreign_resume_token_is_fatal(replay: StartReplay) -> None:
    entry = austin()
    served = replay(entry)
    with pytest.raises(FatalSourceError, match="Restart the sync from the beginning"):
        next(SocrataSource(entry, served.client).pages(resume={"row": 3}))


def test_export_mode_streams_the_csv_in_pages_and_resumes_by_row(replay: StartReplay) -> None:
    entry = entry_for(NYC_EXPORT_SOURCE, NYC_EXPORT_RECORDING, page_size=30)
    served = replay(entry)
    source = SocrataSource(entry, served.client)
    pages = list(source.pages(since="2020-01-01"))  # the export cannot filter: since is ignored
    assert [len(page.records) for page in pages] == [30, 30, 30, 10]
    assert [page.resume for page in pages] == [{"row": 30}, {"row": 60}, {"row": 90}, {"row": 100}]
    expected = recorded(NYC_EXPORT_RECORDING)
    assert records(pages) == expected
    assert records(pages)[0]["Job #"] == "440673852"  # display-name headers
    assert next(source.pages(resume={"row": 60})).records == expected[60:90]
    assert served.portal.requests[0] == (
        "/data.cityofnewyork.us/api/views/ic3t-wcy2/rows.csv?accessType=DOWNLOAD"
    )
    assert source.count() is None


def test_a_non_socrata_entry_is_refused(replay: StartReplay) -> None:
    entry = entry_for(
        {"platform": "file", "url": "https://x.org/a.csv", "format": "csv"}, "unused.csv"
    )
    served = replay()
    with pytest.raises(TypeError, match="build_source"):
        SocrataSource(entry, served.client)
