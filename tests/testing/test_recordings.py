"""read_recording: every format's records in file order, shaped as the connectors yield them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson
import pytest

from permitdb.catalog.load import load_catalog, load_entry_file
from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings
from permitdb.sources.base import GEOMETRY_KEY
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.testing import entry_for
from permitdb.testing.portal import ReplayPortal, default_recordings_dir
from permitdb.testing.recordings import RecordingError, read_recording

RECORDINGS = default_recordings_dir()
ENTRIES = {entry.slug: entry for entry in load_catalog()}
# CKAN and CARTO envelopes around other cities' rows: test fixtures, not the bundled catalog.
FIXTURES = Path(__file__).parents[1] / "fixtures"
ENVELOPES = FIXTURES / "recordings"


def recorded(path: str) -> Any:
    return orjson.loads((RECORDINGS / path).read_bytes())


def test_a_soda_json_recording_is_its_array() -> None:
    entry = ENTRIES["austin-tx/issued-construction-permits"]
    assert read_recording(entry, RECORDINGS) == recorded(entry.recording.path)


def test_a_csv_export_becomes_rows_of_strings_in_file_order() -> None:
    entry = ENTRIES["new-york-city-ny/dob-certificate-of-occupancy"]
    records = read_recording(entry, RECORDINGS)
    with (RECORDINGS / entry.recording.path).open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert len(records) == len(rows) >= 5
    assert [list(record) for record in records] == [header] * len(rows)
    assert [list(record.values()) for record in records] == rows
    assert all(isinstance(value, str) for record in records for value in record.values())


def test_geojson_features_become_properties_and_geometry() -> None:
    entry = ENTRIES["denver-co/residential-construction-permits"]
    features = recorded(entry.recording.path)["features"]
    records = read_recording(entry, RECORDINGS)
    assert [record.pop(GEOMETRY_KEY) for record in records] == [f["geometry"] for f in features]
    assert records == [f["properties"] for f in features]


def test_esri_json_features_get_their_geometry_as_geojson() -> None:
    entry = entry_for(
        {"platform": "arcgis", "layer_url": "https://gis.example.org/x/FeatureServer/0"},
        "arcgis/columbia-mo/query-page.json",
    )
    features = recorded(entry.recording.path)["features"]
    records = read_recording(entry, RECORDINGS)
    assert len(records) == len(features) > 1
    assert [record.pop(GEOMETRY_KEY) for record in records] == [
        {"type": "Point", "coordinates": [f["geometry"]["x"], f["geometry"]["y"]]} for f in features
    ]
    assert records == [f["attributes"] for f in features]


def test_esri_json_features_without_geometry_have_no_geometry_key() -> None:
    entry = ENTRIES["baltimore-county-md/permits"]
    records = read_recording(entry, RECORDINGS)
    assert records == [f["attributes"] for f in recorded(entry.recording.path)["features"]]
    assert all(GEOMETRY_KEY not in record for record in records)


def test_a_ckan_answer_yields_its_result_records() -> None:
    entry = load_entry_file(FIXTURES / "catalog/boston-ma/approved-building-permits.yaml")
    document = orjson.loads((ENVELOPES / entry.recording.path).read_bytes())
    assert read_recording(entry, ENVELOPES) == document["result"]["records"]


def test_a_carto_geojson_answer_yields_properties_and_geometry() -> None:
    entry = load_entry_file(FIXTURES / "catalog/philadelphia-pa/permits.yaml")
    features = orjson.loads((ENVELOPES / entry.recording.path).read_bytes())["features"]
    records = read_recording(entry, ENVELOPES)
    assert len(records) == len(features) >= 17
    for record, feature in zip(records, features, strict=True):
        assert record.pop(GEOMETRY_KEY, None) == feature["geometry"]
        assert record == feature["properties"]


def test_a_file_entry_keeps_the_rows_its_match_selects() -> None:
    entry = ENTRIES["san-francisco-ca/adu-garage-permit-records"]
    records = read_recording(entry, RECORDINGS)
    assert len(records) >= entry.recording.min_rows
    assert {record["city"] for record in records} == {"san-francisco"}
    other = entry.model_copy(
        update={"source": entry.source.model_copy(update={"match": {"city": "elsewhere"}})}
    )
    assert read_recording(other, RECORDINGS) == []


@pytest.mark.parametrize("file_format", ["ndjson", "json"])
def test_json_file_formats(tmp_path: Path, file_format: str) -> None:
    rows = [{"id": 2, "kind": "b"}, {"id": 1, "kind": "a"}]
    if file_format == "ndjson":
        body = b"\n".join(orjson.dumps(row) for row in rows) + b"\n\n"
        source: dict[str, Any] = {"format": "ndjson"}
    else:
        body = orjson.dumps({"data": {"rows": rows}})
        source = {"format": "json", "records_path": "data.rows"}
    (tmp_path / f"rows.{file_format}").write_bytes(body)
    entry = entry_for(
        {"platform": "file", "url": "https://example.org/rows", **source}, f"rows.{file_format}"
    )
    assert read_recording(entry, tmp_path) == rows


def test_a_recording_of_the_wrong_shape_is_named(tmp_path: Path) -> None:
    (tmp_path / "answer.json").write_bytes(b'{"error": {"code": 400}}')
    entry = entry_for(
        {"platform": "arcgis", "layer_url": "https://gis.example.org/x/FeatureServer/0"},
        "answer.json",
    )
    with pytest.raises(RecordingError, match=r"answer\.json: expected a query answer"):
        read_recording(entry, tmp_path)


def through_the_connector(entry: CatalogEntry) -> list[dict[str, Any]]:
    settings = Settings(_env_file=None, http_max_retries=0)
    with (
        ReplayPortal([entry]) as portal,
        HttpClient(settings=settings, origin_map=portal.origin_map) as client,
    ):
        return [record for page in build_source(entry, client).pages() for record in page.records]


def canonical(records: list[dict[str, Any]]) -> list[bytes]:
    return sorted(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) for record in records)


@pytest.mark.parametrize("slug", sorted(ENTRIES))
def test_the_same_records_as_the_connector_yields(slug: str) -> None:
    """Replayed connectors page in their own order (``$order``, object ids); same records."""
    entry = ENTRIES[slug]
    read = read_recording(entry, RECORDINGS)
    fetched = through_the_connector(entry)
    if read and "OBJECTID" not in read[0]:
        # The ArcGIS replay numbers features that were recorded without their object id.
        for record in fetched:
            record.pop("OBJECTID", None)
    assert canonical(read) == canonical(fetched)
