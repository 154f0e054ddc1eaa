"""CKANSource over the Boston-shaped DataStore recording, served by the replay portal."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from replaying import ENVELOPE_RECORDINGS, StartReplay

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.settings import Settings
from permitdb.sources.base import Page
from permitdb.sources.ckan import CKANSource, ckan_result
from permitdb.sources.http import HttpClient
from permitdb.sources.sql import sql_identifier, sql_literal
from permitdb.testing import entry_for

RESOURCE = "6ddcd912-32a0-43df-9908-63574f8c7e77"
RECORDING = "ckan/boston-ma/datastore-search.json"
SEARCH = "/data.boston.gov/api/3/action/datastore_search"


def boston(**overrides: Any) -> CatalogEntry:
    source = {
        "platform": "ckan",
        "base_url": "https://data.boston.gov",
        "resource_id": RESOURCE,
        **overrides.pop("source", {}),
    }
    return entry_for(source, RECORDING, **overrides)


def recorded() -> list[dict[str, Any]]:
    document = json.loads((ENVELOPE_RECORDINGS / RECORDING).read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = document["result"]["records"]
    return rows


def records(pages: list[Page]) -> list[dict[str, Any]]:
    return [record for page in pages for record in page.records]


def test_search_pages_follow_the_next_link_and_read_every_row_once(
    replay: StartReplay,
) -> None:
    entry = boston(page_size=5)
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    pages = list(CKANSource(entry, served.client).pages())
    assert [len(page.records) for page in pages] == [5, 5, 5, 5, 2]
    assert [page.resume for page in pages] == [{"offset": n} for n in (5, 10, 15, 20, 22)]
    assert records(pages) == recorded()
    assert served.portal.requests[:2] == [
        f"{SEARCH}?resource_id={RESOURCE}&sort=_id asc&limit=5&offset=0",
        f"{SEARCH}?resource_id={RESOURCE}&sort=_id asc&limit=5&offset=5",  # CKAN's _links.next
    ]
    assert len(served.portal.requests) == 5


def test_a_full_last_page_is_confirmed_by_an_empty_one(replay: StartReplay) -> None:
    # total is 22, but a total can be stale: only an empty page proves the end.
    entry = boston(page_size=11)
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    pages = list(CKANSource(entry, served.client).pages())
    assert [len(page.records) for page in pages] == [11, 11]
    assert len(served.portal.requests) == 3


def test_resuming_reads_exactly_the_rest(replay: StartReplay) -> None:
    entry = boston(page_size=4)
    source = CKANSource(entry, replay(entry, recordings_dir=ENVELOPE_RECORDINGS).client)
    everything = list(source.pages())
    assert records(list(source.pages(resume=everything[2].resume))) == records(everything[3:])
    with pytest.raises(FatalSourceError, match="Restart the sync"):
        list(source.pages(resume={"after_oid": 3}))


def test_since_pages_datastore_search_sql_and_count_agrees(replay: StartReplay) -> None:
    entry = boston(page_size=3, cursor={"field": "issued_date", "kind": "datetime"})
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    source = CKANSource(entry, served.client)
    since = "2016-02-05 15:41:10"
    expected = [row for row in recorded() if row["issued_date"] >= since]
    assert 0 < len(expected) < 22
    assert records(list(source.pages(since=since))) == expected
    assert served.portal.requests[1] == (  # after the count
        f'{SEARCH}_sql?sql=SELECT * FROM "{RESOURCE}" WHERE "issued_date" >= '
        f"'{since}' ORDER BY \"_id\" ASC LIMIT 3 OFFSET 0"
    )
    assert source.count(since=since) == len(expected)
    assert source.count() == 22


def test_use_sql_pages_with_sql_in_the_catalog_sort_order(replay: StartReplay) -> None:
    entry = boston(page_size=10, source={"use_sql": True, "sort": "issued_date desc"})
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    got = records(list(CKANSource(entry, served.client).pages()))
    expected = sorted(recorded(), key=lambda row: row["_id"])
    expected.sort(key=lambda row: row["issued_date"], reverse=True)
    assert got == expected
    assert (
        'ORDER BY "issued_date" DESC, "_id" ASC LIMIT 10 OFFSET 20' in (served.portal.requests[-1])
    )


def test_an_unknown_resource_is_fatal_and_says_what_to_fix(replay: StartReplay) -> None:
    entry = boston()
    served = replay(entry, recordings_dir=ENVELOPE_RECORDINGS)
    wrong = boston(source={"resource_id": "00000000-0000-0000-0000-000000000000"})
    with pytest.raises(FatalSourceError, match="dataset id or URL in the catalog entry is wrong"):
        list(CKANSource(wrong, served.client).pages())


def test_an_unknown_cursor_column_is_fatal_and_names_it(replay: StartReplay) -> None:
    entry = boston(cursor={"field": "issue_date", "kind": "datetime"})
    with pytest.raises(FatalSourceError) as error:
        list(
            CKANSource(entry, replay(entry, recordings_dir=ENVELOPE_RECORDINGS).client).pages(
                since="2016-02-01"
            )
        )
    assert "HTTP 409" in str(error.value)
    assert "issue_date" in str(error.value)
    assert "does not exist" in str(error.value)


def test_success_false_bodies_raise_with_the_portal_message_and_advice() -> None:
    body = {
        "help": "https://data.boston.gov/api/3/action/help_show?name=datastore_search",
        "success": False,
        "error": {"__type": "Authorization Error", "message": "Access denied"},
    }
    with pytest.raises(FatalSourceError) as error:
        ckan_result(body, "https://data.boston.gov/api/3/action/datastore_search")
    assert "CKAN Authorization Error: Access denied" in str(error.value)
    assert "public resources only" in str(error.value)
    body["error"] = {"__type": "Validation Error", "sort": ['field "x" not in fields']}
    with pytest.raises(FatalSourceError, match="sort: \\['field \"x\" not in fields'\\]"):
        ckan_result(body, "https://data.boston.gov/api/3/action/datastore_search")


def test_a_repeated_next_link_is_a_loop(settings: Settings) -> None:
    # A portal whose next link never moves: every page is full and points at the second.

    def portal(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        result = {
            "records": [{"_id": n} for n in range(offset + 1, offset + 4)],
            "total": 100,
            "_links": {"next": "/api/3/action/datastore_search?offset=3"},
        }
        return httpx.Response(200, json={"success": True, "result": result})

    entry = boston(page_size=3)
    with HttpClient(settings=settings, transport=httpx.MockTransport(portal)) as client:
        pages = CKANSource(entry, client).pages()
        next(pages)
        next(pages)
        with pytest.raises(FatalSourceError, match=r"next link .* twice"):
            next(pages)


def test_sql_quoting_doubles_embedded_quotes() -> None:
    assert sql_literal("O'Brien's") == "'O''Brien''s'"
    assert sql_identifier('permit "no"') == '"permit ""no"""'
