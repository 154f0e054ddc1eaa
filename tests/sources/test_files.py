"""FileSource: CSV, NDJSON and JSON files, local or over HTTP, paged and resumable."""

from __future__ import annotations

import codecs
import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from replaying import RECORDINGS, StartReplay

from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import FileSource as FileConfig
from permitdb.errors import FatalSourceError
from permitdb.sources.base import Page
from permitdb.sources.files import EXTRA_CELLS_KEY, FileSource
from permitdb.sources.http import HttpClient
from permitdb.sources.text import UNREADABLE_KEY
from permitdb.testing import entry_for

ADU_RECORDING = "prepared/san-francisco-ca/adu-garage-permit-records.csv"
ADU_URL = "https://files.example.org/permittimelines/san-francisco/adu.csv"
AUSTIN_RECORDING = "socrata/austin-tx/issued-construction-permits.json"


def adu_rows() -> list[dict[str, str]]:
    with (RECORDINGS / ADU_RECORDING).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def austin_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((RECORDINGS / AUSTIN_RECORDING).read_text("utf-8"))
    return rows


def records(pages: list[Page]) -> list[dict[str, Any]]:
    return [record for page in pages for record in page.records]


def local(path: Path | str, file_format: str, **overrides: Any) -> FileSource:
    entry = entry_for(
        {"platform": "file", "url": str(path), "format": file_format, **overrides},
        "unused",
        page_size=1000,
    )
    return FileSource(entry, HttpClient())


def test_a_local_csv_comes_back_whole_in_pages(replay: StartReplay) -> None:
    pages = list(local(RECORDINGS / ADU_RECORDING, "csv").pages())
    assert [len(page.records) for page in pages] == [1000, 1000, 1000, 1000, 886]
    assert pages[-1].resume == {"row": 4886}
    got = records(pages)
    assert got == adu_rows()
    assert got[1]["issued_date"] == ""  # empty cells stay empty strings


def test_a_relative_path_is_read_from_the_current_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(RECORDINGS)
    assert records(list(local(ADU_RECORDING, "csv").pages())) == adu_rows()


def test_a_remote_csv_is_streamed_and_resumes_after_committed_rows(replay: StartReplay) -> None:
    entry = entry_for(
        {"platform": "file", "url": ADU_URL, "format": "csv"}, ADU_RECORDING, page_size=700
    )
    served = replay(entry)
    source = FileSource(entry, served.client)
    pages = list(source.pages())
    assert len(pages) == 7
    assert records(pages) == adu_rows()
    resumed = list(source.pages(resume={"row": 2100}))
    assert records(resumed) == adu_rows()[2100:]
    assert resumed[0].resume == {"row": 2800}
    assert served.portal.requests[0] == "/files.example.org/permittimelines/san-francisco/adu.csv"
    assert source.count() is None


def test_ndjson_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "austin.ndjson"
    lines = [json.dumps(row) for row in austin_rows()]
    path.write_text("\n".join(lines[:5]) + "\n\n" + "\n".join(lines[5:]) + "\n", encoding="utf-8")
    assert records(list(local(path, "ndjson").pages())) == austin_rows()


def test_a_json_array_at_a_records_path_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.json"
    document = {"result": {"records": austin_rows()}}
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(document).encode())
    source = local(path, "json", records_path="result.records")
    assert records(list(source.pages())) == austin_rows()


def test_a_remote_json_array(replay: StartReplay) -> None:
    url = "https://files.example.org/austin/permits.json"
    entry = entry_for({"platform": "file", "url": url, "format": "json"}, AUSTIN_RECORDING)
    served = replay(entry)
    pages = list(FileSource(entry, served.client).pages(resume={"row": 10}))
    assert records(pages) == austin_rows()[10:]


def test_a_csv_byte_order_mark_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"permit,cost\nA1,100\n")
    assert records(list(local(path, "csv").pages())) == [{"permit": "A1", "cost": "100"}]


def test_short_and_long_csv_rows_keep_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text('permit,cost,note\nA1,100\nA2,200,"two\nlines",extra\n', encoding="utf-8")
    assert records(list(local(path, "csv").pages())) == [
        {"permit": "A1", "cost": "100", "note": ""},
        {"permit": "A2", "cost": "200", "note": "two\nlines", EXTRA_CELLS_KEY: ["extra"]},
    ]


@pytest.mark.parametrize(
    ("name", "content", "file_format", "overrides", "advice"),
    [
        ("missing.csv", None, "csv", {}, "Fix source.url in the catalog entry"),
        ("object.json", '{"a": []}', "json", {}, "Set records_path in the catalog entry"),
        ("deep.json", '{"a": []}', "json", {"records_path": "a.b"}, "at 'a.b', found NoneType"),
    ],
)
def test_unreadable_files_are_fatal_with_advice(
    tmp_path: Path,
    name: str,
    content: str | None,
    file_format: str,
    overrides: dict[str, str],
    advice: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(FatalSourceError, match=advice):
        list(local(path, file_format, **overrides).pages())


def test_a_bad_ndjson_line_is_one_unreadable_record(tmp_path: Path) -> None:
    """Ingest quarantines it (malformed_line) and reads on: one line never stops a file."""
    path = tmp_path / "bad.ndjson"
    path.write_text('{"a": 1}\n{"a": \n1\n{"a": 2}\n', encoding="utf-8")
    first, truncated, scalar, last = records(list(local(path, "ndjson").pages()))
    assert (first, last) == ({"a": 1}, {"a": 2})
    assert truncated[UNREADABLE_KEY]["code"] == scalar[UNREADABLE_KEY]["code"] == "malformed_line"
    assert "line 2 is not valid JSON" in truncated[UNREADABLE_KEY]["message"]
    assert truncated["@line"] == '{"a": \n'
    assert scalar[UNREADABLE_KEY]["message"] == "line 3 is a JSON int, not an object"


def test_an_undecodable_csv_header_is_fatal_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("d\u00e9p\u00f4t,cost\nA1,100\n".encode("latin-1"))
    with pytest.raises(FatalSourceError, match=r"set source\.encoding in the catalog entry"):
        list(local(path, "csv").pages())
    assert records(list(local(path, "csv", encoding="latin-1").pages())) == [
        {"d\u00e9p\u00f4t": "A1", "cost": "100"}
    ]


def test_a_foreign_resume_token_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(FatalSourceError, match="Restart the sync from the beginning"):
        next(local(RECORDINGS / ADU_RECORDING, "csv").pages(resume={"offset": 5}))


def test_entries_sharing_one_gzipped_upstream_file_each_read_their_own_rows(
    replay: StartReplay,
) -> None:
    """The three prepared ADU entries read one multi-city .csv.gz, each keeping its city."""
    entries = [
        entry.model_copy(update={"page_size": 4000})
        for entry in load_catalog()
        if entry.dataset == "adu-garage-permit-records"
    ]
    assert len(entries) == 3
    assert len({entry.source.url for entry in entries if isinstance(entry.source, FileConfig)}) == 1
    started = replay(*entries)

    for entry in entries:
        got = records(list(FileSource(entry, started.client).pages()))
        assert len(got) == entry.recording.min_rows
        assert {row["city"] for row in got} == {entry.jurisdiction.slug.removesuffix("-ca")}
    assert all(path.endswith(".csv.gz") for path in started.portal.requests)


def test_a_local_gzip_file_is_read_and_filtered(tmp_path: Path) -> None:
    rows = adu_rows()
    path = tmp_path / "records.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert len(records(list(local(path, "csv").pages()))) == len(rows)

    entry = entry_for(
        {"platform": "file", "url": str(path), "format": "csv", "match": {"project": "adu"}},
        ADU_RECORDING,
    )
    with HttpClient() as client:
        kept = records(list(FileSource(entry, client).pages()))
    assert kept
    assert len(kept) == sum(1 for row in rows if row["project"] == "adu")


DBPR_RECORDING = "contractor-licenses/florida/dbpr-construction-license-extract-sample.csv"


def test_a_headerless_csv_names_its_cells_by_the_catalog_columns(replay: StartReplay) -> None:
    """DBPR's extract has no header row: its first line is a licence, not names."""
    (florida,) = [e for e in load_catalog() if e.slug == "florida/dbpr-construction-licensees"]
    assert isinstance(florida.source, FileConfig)
    columns = florida.source.columns
    assert columns is not None
    with (RECORDINGS / DBPR_RECORDING).open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))

    got = records(list(FileSource(florida, replay(florida).client).pages()))

    assert len(got) == len(lines)  # every line is a record
    assert got[0] == dict(zip(columns, lines[0], strict=True))
    assert got[0]["alternate_license_number"] == "CBC006231"


def test_columns_are_only_for_csv_and_distinct() -> None:
    base = {"platform": "file", "url": "x.json", "format": "json", "columns": ["a"]}
    with pytest.raises(ValueError, match="format is not csv"):
        FileConfig.model_validate(base)
    with pytest.raises(ValueError, match="distinct"):
        FileConfig.model_validate(base | {"format": "csv", "columns": ["a", "a"]})
