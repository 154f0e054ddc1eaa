"""The replay portal: routing by host, SODA query semantics, fault injection, request log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import permitdb
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.settings import get_settings
from permitdb.testing import entry_for
from permitdb.testing.portal import ReplayPortal, default_recordings_dir

OWNERS = entry_for(
    {"platform": "socrata", "domain": "data.cityofnewyork.us", "dataset_id": "ipu4-2q9a"},
    "socrata/new-york-city-ny/dob-permit-issuance-owners.json",
)
NYC_EXPORT = entry_for(
    {"platform": "socrata", "domain": "data.cityofnewyork.us", "dataset_id": "ic3t-wcy2"},
    "socrata/new-york-city-ny/dob-job-application-filings.csv",
)
SF = entry_for(
    {"platform": "socrata", "domain": "data.sfgov.org", "dataset_id": "i98e-djp9"},
    "socrata/san-francisco-ca/building-permits.json",
)
REMOTE_FILE = entry_for(
    {"platform": "file", "url": "https://files.example.org/adu/records.csv", "format": "csv"},
    "prepared/san-francisco-ca/adu-garage-permit-records.csv",
)
LOCAL_FILE = entry_for(
    {"platform": "file", "url": "data/records.csv", "format": "csv"},
    "prepared/san-francisco-ca/adu-garage-permit-records.csv",
)


@pytest.fixture
def portal() -> Iterator[ReplayPortal]:
    with ReplayPortal([OWNERS, NYC_EXPORT, SF, REMOTE_FILE, LOCAL_FILE]) as running:
        yield running


def get(portal: ReplayPortal, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{portal.base_url}{path}", params=params)


def soda(portal: ReplayPortal, entry: CatalogEntry, **params: Any) -> Any:
    host, dataset_id = entry.source.domain, entry.source.dataset_id  # type: ignore[union-attr]
    response = get(portal, f"/{host}/resource/{dataset_id}.json", **params)
    assert response.status_code == 200, response.text
    return response.json()


def test_origin_map_covers_both_schemes_of_every_served_host(portal: ReplayPortal) -> None:
    assert portal.base_url.startswith("http://127.0.0.1:")
    assert portal.origin_map == {
        f"{scheme}://{host}": f"{portal.base_url}/{host}"
        for host in ("data.cityofnewyork.us", "data.sfgov.org", "files.example.org")
        for scheme in ("https", "http")
    }


def test_soda_limit_defaults_to_1000_and_offset_pages_on(portal: ReplayPortal) -> None:
    assert len(soda(portal, OWNERS)) == 1000
    assert soda(portal, OWNERS, **{"$offset": 1000}) == []
    assert len(soda(portal, OWNERS, **{"$limit": 7, "$offset": 995})) == 5


def test_soda_count_select_and_where(portal: ReplayPortal) -> None:
    assert soda(portal, SF, **{"$select": "count(*)"}) == [{"count": "22"}]
    where = {"$where": "(within_box(location, 1, 2, 3, 4)) AND filed_date >= '2016-01-28T10'"}
    rows = soda(portal, SF, **where, **{"$select": "filed_date, permit_number"})
    assert rows
    assert all(set(row) == {"filed_date", "permit_number"} for row in rows)
    assert all(row["filed_date"] >= "2016-01-28T10" for row in rows)
    counted = soda(portal, SF, **where, **{"$select": "count(*)"})
    assert counted == [{"count": str(len(rows))}]


def test_soda_order_sorts_known_fields_and_keeps_file_order_otherwise(
    portal: ReplayPortal,
) -> None:
    file_order = soda(portal, OWNERS, **{"$limit": 50})
    assert soda(portal, OWNERS, **{"$limit": 50, "$order": "no_such_field,:id"}) == file_order
    descending = soda(portal, SF, **{"$order": "completed_date DESC,:id"})
    dates = [row.get("completed_date") for row in descending]
    missing = dates.count(None)
    assert missing == 4
    assert dates[:missing] == [None] * missing  # SODA puts NULLs first when descending
    assert dates[missing:] == sorted(dates[missing:], reverse=True)


def test_bad_soql_is_a_400_like_sodas(portal: ReplayPortal) -> None:
    response = get(portal, "/data.sfgov.org/resource/i98e-djp9.json", **{"$limit": "many"})
    assert response.status_code == 400
    assert response.json()["code"] == "query.soql.invalid"


def test_a_csv_recording_serves_soda_rows_and_the_export_verbatim(portal: ReplayPortal) -> None:
    rows = soda(portal, NYC_EXPORT, **{"$limit": 3})
    assert rows[0]["Job #"] == "440673852"
    export = get(portal, "/data.cityofnewyork.us/api/views/ic3t-wcy2/rows.csv")
    assert export.headers["content-type"].startswith("text/csv")
    recording = default_recordings_dir() / NYC_EXPORT.recording.path
    assert export.content == recording.read_bytes()
    json_export = get(portal, "/data.sfgov.org/api/views/i98e-djp9/rows.csv")
    assert json_export.status_code == 404


def test_a_file_is_served_at_its_url_path_only(portal: ReplayPortal) -> None:
    served = get(portal, "/files.example.org/adu/records.csv")
    assert served.content == (default_recordings_dir() / REMOTE_FILE.recording.path).read_bytes()
    assert get(portal, "/files.example.org/adu/other.csv").status_code == 404


def test_unknown_paths_and_hosts_are_404_json(portal: ReplayPortal) -> None:
    response = get(portal, "/data.sfgov.org/resource/zzzz-zzzz.json")
    assert response.status_code == 404
    assert "no recorded dataset answers" in response.json()["message"]
    assert get(portal, "/nowhere.example.com/x").status_code == 404


def test_fail_next_injects_failures_then_recovers(portal: ReplayPortal) -> None:
    portal.fail_next(2, status=429, retry_after=1.5)
    first = get(portal, "/data.sfgov.org/resource/i98e-djp9.json")
    second = get(portal, "/data.sfgov.org/resource/i98e-djp9.json")
    third = get(portal, "/data.sfgov.org/resource/i98e-djp9.json")
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == "1.5"
    assert len(portal.requests) == 3


def test_requests_are_logged_with_decoded_queries(portal: ReplayPortal) -> None:
    soda(portal, SF, **{"$where": "a >= 'b c'", "$limit": 1})
    assert portal.requests == ["/data.sfgov.org/resource/i98e-djp9.json?$where=a >= 'b c'&$limit=1"]


def test_a_broken_recording_answers_500_naming_the_problem(tmp_path: Path) -> None:
    broken = tmp_path / SF.recording.path
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    with ReplayPortal([SF], recordings_dir=tmp_path) as served:
        response = get(served, "/data.sfgov.org/resource/i98e-djp9.json")
    assert response.status_code == 500
    assert "building-permits.json" in response.json()["message"]


def test_a_missing_recording_is_fatal_before_any_request_naming_path_and_setting(
    tmp_path: Path,
) -> None:
    # Served as an HTTP error it would be retried for minutes as a portal outage.
    with pytest.raises(FatalSourceError) as raised:
        ReplayPortal([SF, OWNERS], recordings_dir=tmp_path)
    message = str(raised.value)
    assert str(tmp_path / SF.recording.path) in message
    assert "PERMITDB_RECORDINGS_DIR" in message
    assert "1 more recording(s) are missing too: 'permitdb catalog check'" in message


def test_base_url_needs_a_running_portal() -> None:
    with pytest.raises(RuntimeError, match="use it in a `with` block"):
        _ = ReplayPortal([SF]).base_url


def test_default_recordings_dir_is_the_packaged_folder_unless_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert default_recordings_dir() == Path(permitdb.__file__).resolve().parent / "recordings"
    assert (default_recordings_dir() / "README.md").is_file()
    monkeypatch.setenv("PERMITDB_RECORDINGS_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert default_recordings_dir() == tmp_path
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
