"""GET /v1/permits?format=...: the whole result as one file, in the paged listing's order.

Exports here read pages of three rows, so a dozen permits cross several page boundaries.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, get_args

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from permitdb.api.params.permit_filters import SearchFormat
from permitdb.services.exports import EXPORT_COLUMNS, EXPORT_FORMATS, PARQUET_SCHEMA
from permitdb.settings import Settings

EXPORT_PAGE_SIZE = 3
QUERY = "jurisdiction=testville-ny"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}
Store = Callable[..., list[Any]]
Walk = Callable[[TestClient, dict[str, str], str], list[dict[str, Any]]]
CheckError = Callable[..., dict[str, Any]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"export_page_size": EXPORT_PAGE_SIZE})


def seed(store: Store, count: int = 11) -> None:
    start = date(2026, 1, 1)
    store(
        *(
            {
                "source_record_id": f"t{n}",
                # pairs share a date (ties go by id) and every fifth has none (listed last)
                "issued_date": None if n % 5 == 0 else start + timedelta(days=n // 2),
                # every third has no point: a GeoJSON feature without geometry
                **({"latitude": None, "longitude": None} if n % 3 == 0 else {}),
            }
            for n in range(count)
        ),
        # another jurisdiction, which the query filters out
        {"dataset": "sampleton-tx/building-permits", "source_record_id": "other"},
    )


def exported_ids(export_format: str, content: bytes) -> list[str]:
    if export_format == "csv":
        return [row["id"] for row in csv.DictReader(io.StringIO(content.decode()))]
    if export_format == "ndjson":
        return [json.loads(line)["id"] for line in content.splitlines()]
    if export_format == "geojson":
        return [feature["id"] for feature in json.loads(content)["features"]]
    ids: list[str] = pq.read_table(io.BytesIO(content)).column("id").to_pylist()
    return ids


def download(
    client: TestClient, auth: dict[str, str], export_format: str, query: str = QUERY
) -> bytes:
    response = client.get(f"/v1/permits?{query}&format={export_format}", headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA_TYPES[export_format]
    disposition = f'attachment; filename="permits.{export_format}"'
    assert response.headers["content-disposition"] == disposition
    assert response.headers["x-request-id"]
    return response.content


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_export_holds_the_paged_walk_in_order(
    client: TestClient, auth: dict[str, str], store: Store, walk: Walk, export_format: str
) -> None:
    seed(store)
    walked = [permit["id"] for permit in walk(client, auth, f"{QUERY}&limit=4")]
    assert len(walked) == 11
    assert exported_ids(export_format, download(client, auth, export_format)) == walked


def test_ndjson_lines_and_geojson_properties_are_the_api_objects(
    client: TestClient, auth: dict[str, str], store: Store, walk: Walk
) -> None:
    seed(store)
    walked = walk(client, auth, f"{QUERY}&limit=4")
    lines = [json.loads(line) for line in download(client, auth, "ndjson").splitlines()]
    assert lines == walked
    collection = json.loads(download(client, auth, "geojson"))
    assert collection["type"] == "FeatureCollection"
    assert [feature["properties"] for feature in collection["features"]] == walked
    for feature, permit in zip(collection["features"], walked, strict=True):
        assert feature["type"] == "Feature"
        location = permit["location"]
        if location is None:
            assert feature["geometry"] is None
        else:
            point = [location["longitude"], location["latitude"]]
            assert feature["geometry"] == {"type": "Point", "coordinates": point}
    assert any(f["geometry"] is None for f in collection["features"])


def test_csv_has_the_documented_columns_and_flat_values(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    [stored] = store({"source_record_id": "one", "quality_flags": ["geo_missing"]})
    rows = list(csv.reader(io.StringIO(download(client, auth, "csv").decode())))
    assert rows[0] == [column.name for column in EXPORT_COLUMNS]
    assert "raw" not in rows[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == stored.id
    assert row["tags"] == "solar;battery;electrical"
    assert row["quality_flags"] == "geo_missing"
    assert row["issued_date"] == "2026-03-16"
    assert row["valuation"] == "28500.00"
    assert row["housing_units"] == "1"
    assert row["fetched_at"] == "2026-03-17T06:00:00+00:00"
    assert row["finaled_date"] == ""
    assert row["owner_name"] == ""


def test_parquet_is_typed_with_a_row_group_per_page(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    seed(store)
    parquet = pq.ParquetFile(io.BytesIO(download(client, auth, "parquet")))
    assert parquet.schema_arrow == PARQUET_SCHEMA
    assert parquet.metadata.num_row_groups == 4  # 11 rows in pages of 3
    first = parquet.read().to_pylist()[0]
    assert first["issued_date"] == date(2026, 1, 5)
    assert first["valuation"] == 28500.0
    assert first["fees"] == 412.5
    assert first["fetched_at"] == datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
    assert first["tags"] == ["solar", "battery", "electrical"]


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_nothing_matching_is_a_valid_empty_file(
    client: TestClient, auth: dict[str, str], store: Store, export_format: str
) -> None:
    seed(store, 2)
    content = download(client, auth, export_format, query="jurisdiction=emptyburg-ca")
    assert exported_ids(export_format, content) == []
    if export_format == "csv":
        assert content.decode().splitlines() == [",".join(c.name for c in EXPORT_COLUMNS)]
    elif export_format == "ndjson":
        assert content == b""
    elif export_format == "geojson":
        assert json.loads(content) == {"type": "FeatureCollection", "features": []}
    else:
        assert pq.read_table(io.BytesIO(content)).schema == PARQUET_SCHEMA


def test_include_raw_adds_the_source_record_to_ndjson(
    client: TestClient, auth: dict[str, str], store: Store
) -> None:
    [stored] = store({"source_record_id": "one"})
    response = client.get("/v1/permits?format=ndjson&include_raw=true", headers=auth)
    assert json.loads(response.content)["raw"] == stored.raw


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("format=csv&cursor=abc", "cursor"),
        ("format=ndjson&include_count=true", "include_count"),
        ("format=parquet&include_raw=true", "include_raw"),
        ("format=xlsx", "format"),
    ],
)
def test_paging_with_an_export_is_refused_in_the_envelope(
    client: TestClient, auth: dict[str, str], check_error: CheckError, query: str, parameter: str
) -> None:
    error = check_error(client.get(f"/v1/permits?{query}", headers=auth), 422, "invalid_parameter")
    assert error["details"][0]["loc"] == ["query", parameter]


def test_an_export_needs_a_key(client: TestClient, check_error: CheckError) -> None:
    check_error(client.get("/v1/permits?format=csv"), 401, "missing_api_key")


def test_the_format_parameter_offers_json_and_every_export() -> None:
    assert get_args(SearchFormat) == ("json", *EXPORT_FORMATS)
