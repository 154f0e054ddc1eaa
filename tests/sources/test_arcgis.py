"""ArcGISSource over recorded layer answers, served by the replay portal; geometry conversion."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from replaying import RECORDINGS, StartReplay

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError, IncompleteReadError, RetriableSourceError
from permitdb.sources.arcgis import ArcGISSource, ObjectIdRangePaginator, where_literal
from permitdb.sources.arcgis_answers import feature_records, raise_for_esri_error
from permitdb.sources.base import GEOMETRY_KEY, Page
from permitdb.sources.geometry import esri_to_geojson, geojson_to_esri
from permitdb.testing import entry_for

DENVER_LAYER = (
    "https://services1.arcgis.com/zdB7qR0BtYrg0Xpl/arcgis/rest/services/"
    "ODC_DEV_RESIDENTIALCONSTPERMIT_P/FeatureServer/316"
)
DENVER_RECORDING = "arcgis/denver-co/residential-construction-permits-query.geojson"
BALTIMORE_LAYER = (
    "https://bcgisdata.baltimorecountymd.gov/arcgis/rest/services/"
    "DevelopmentManagement/ActiveDevelopment/MapServer/4"
)
BALTIMORE_RECORDING = "arcgis/baltimore-county-md/query-permits-page.json"
# The Columbia fixtures do not record their service URL; any layer URL routes to the replay.
COLUMBIA_LAYER = "https://gis.columbia-mo.example/arcgis/rest/services/Addresses/MapServer/2"
COLUMBIA = {
    "path": "arcgis/columbia-mo/query-page.json",
    "layer_metadata": "arcgis/columbia-mo/layer-metadata.json",
}
KENT_ERROR = "arcgis/kent-county-mi/query-statistics-error.json"


def denver(fmt: str = "geojson", **overrides: Any) -> CatalogEntry:
    source = {"platform": "arcgis", "layer_url": DENVER_LAYER, "format": fmt}
    return entry_for(source, DENVER_RECORDING, **overrides)


def columbia(**overrides: Any) -> CatalogEntry:
    source = {"platform": "arcgis", "layer_url": COLUMBIA_LAYER, "format": "json"}
    entry = entry_for(source, COLUMBIA["path"], **overrides)
    return CatalogEntry.model_validate(entry.model_dump() | {"recording": COLUMBIA})


def recorded(path: str) -> Any:
    return json.loads((RECORDINGS / path).read_text(encoding="utf-8"))


def records(pages: list[Page]) -> list[dict[str, Any]]:
    return [record for page in pages for record in page.records]


def test_result_offset_paging_reads_every_feature_once(replay: StartReplay) -> None:
    entry = denver(page_size=5)
    served = replay(entry)
    pages = list(ArcGISSource(entry, served.client).pages())
    assert [len(page.records) for page in pages] == [5, 5, 5, 1]
    assert [page.resume for page in pages] == [
        {"offset": 5},
        {"offset": 10},
        {"offset": 15},
        {"offset": 16},
    ]
    features = recorded(DENVER_RECORDING)["features"]
    got = records(pages)
    # The recording has no object id; the replay numbers its features 1..16 as OBJECTID.
    assert [record.pop("OBJECTID") for record in got] == list(range(1, 17))
    assert [record.pop(GEOMETRY_KEY) for record in got] == [f["geometry"] for f in features]
    assert got == [f["properties"] for f in features]
    path = "/services1.arcgis.com/zdB7qR0BtYrg0Xpl/arcgis/rest/services/"
    path += "ODC_DEV_RESIDENTIALCONSTPERMIT_P/FeatureServer/316"
    assert served.portal.requests[:3] == [
        f"{path}?f=json",
        f"{path}/query?where=1=1&returnCountOnly=true&f=json",  # checked at the end
        f"{path}/query?outFields=*&outSR=4326&returnGeometry=true&f=geojson&where=1=1"
        "&orderByFields=OBJECTID ASC&resultRecordCount=5&resultOffset=0",
    ]


def test_resuming_after_an_offset_page_reads_exactly_the_rest(replay: StartReplay) -> None:
    entry = denver(page_size=3)
    source = ArcGISSource(entry, replay(entry).client)
    everything = list(source.pages())
    resumed = list(source.pages(resume=everything[2].resume))
    assert records(resumed) == records(everything[3:])
    assert len(records(everything)) == 16


def test_since_adds_a_timestamp_clause_and_count_agrees(replay: StartReplay) -> None:
    entry = denver(page_size=4, cursor={"field": "DATE_ISSUED", "kind": "epoch_ms"})
    served = replay(entry)
    source = ArcGISSource(entry, served.client)
    bound = datetime(2026, 9, 20, tzinfo=UTC).timestamp() * 1000
    expected = [
        f["properties"]["PERMIT_NUM"]
        for f in recorded(DENVER_RECORDING)["features"]
        if f["properties"]["DATE_ISSUED"] >= bound
    ]
    assert 0 < len(expected) < 16
    got = records(list(source.pages(since="2026-09-20T00:00:00Z")))
    assert [record["PERMIT_NUM"] for record in got] == expected
    assert (
        "where=(1=1) AND DATE_ISSUED >= TIMESTAMP '2026-09-20 00:00:00'"
        in (served.portal.requests[1])
    )
    assert source.count(since="2026-09-20T00:00:00Z") == len(expected)
    assert source.count() == 16


def test_esri_json_layers_pass_attributes_through(replay: StartReplay) -> None:
    source = {"platform": "arcgis", "layer_url": BALTIMORE_LAYER, "format": "json"}
    entry = entry_for(source, BALTIMORE_RECORDING, page_size=3)
    source_ = ArcGISSource(entry, replay(entry).client)
    got = records(list(source_.pages()))
    for record in got:
        del record["OBJECTID"]
    assert got == [f["attributes"] for f in recorded(BALTIMORE_RECORDING)["features"]]
    assert all(GEOMETRY_KEY not in record for record in got)  # queried without geometry
    assert (
        source_.count() == recorded("arcgis/baltimore-county-md/query-permits-count.json")["count"]
    )


def test_esri_json_points_become_geojson_points(replay: StartReplay) -> None:
    entry = denver("json")
    served = replay(entry)
    got = records(list(ArcGISSource(entry, served.client).pages()))
    assert "f=json" in served.portal.requests[1]
    features = recorded(DENVER_RECORDING)["features"]
    assert [record[GEOMETRY_KEY] for record in got] == [f["geometry"] for f in features]


def test_object_id_ranges_when_the_layer_cannot_paginate(replay: StartReplay) -> None:
    entry = columbia(page_size=10)
    served = replay(entry)
    pages = list(ArcGISSource(entry, served.client).pages())
    features = recorded(COLUMBIA["path"])["features"]
    assert [len(page.records) for page in pages] == [10, 10, 10, 10, 3]
    assert [page.resume for page in pages] == [
        {"after_oid": 64579825},
        {"after_oid": 64579835},
        {"after_oid": 64579845},
        {"after_oid": 64579855},
        {"after_oid": 64579858},
    ]
    got = records(pages)
    assert [record.pop(GEOMETRY_KEY) for record in got] == [
        {"type": "Point", "coordinates": [f["geometry"]["x"], f["geometry"]["y"]]} for f in features
    ]
    assert got == [f["attributes"] for f in features]
    requests = served.portal.requests
    # The recorded ids answer spells ids as floats (6.4579816E7); ranges use integers.
    assert "returnIdsOnly=true" in requests[1]
    assert "where=(1=1) AND OBJECTID >= 64579816 AND OBJECTID <= 64579825" in requests[2]
    assert not any("resultOffset" in request for request in requests)


def test_resuming_object_id_paging_reads_exactly_the_rest(replay: StartReplay) -> None:
    entry = columbia(page_size=7)
    source = ArcGISSource(entry, replay(entry).client)
    everything = list(source.pages())
    resumed = list(source.pages(resume=everything[3].resume))
    assert records(resumed) == records(everything[4:])
    with pytest.raises(FatalSourceError, match="Restart the sync"):
        list(source.pages(resume={"offset": 7}))


def test_a_layer_without_geojson_output_is_read_as_esri_json(replay: StartReplay) -> None:
    # Kent County's parcels layer lists "JSON, AMF" only; its service URL was not recorded.
    kent = {
        "path": "arcgis/kent-county-mi/query-page.json",
        "layer_metadata": "arcgis/kent-county-mi/layer-metadata.json",
    }
    layer = "https://gis.kent-mi.example/arcgis/rest/services/Parcels/MapServer/5"
    entry = entry_for({"platform": "arcgis", "layer_url": layer}, kent["path"], page_size=4)
    entry = CatalogEntry.model_validate(entry.model_dump() | {"recording": kent})
    served = replay(entry)
    got = records(list(ArcGISSource(entry, served.client).pages()))
    assert all("f=json" in request for request in served.portal.requests)
    features = recorded(kent["path"])["features"]
    assert [record["PNUM"] for record in got] == [f["attributes"]["PNUM"] for f in features]
    assert {record[GEOMETRY_KEY]["type"] for record in got} == {"Polygon"}


def test_page_size_is_capped_by_max_record_count(replay: StartReplay, tmp_path: Path) -> None:
    # Columbia's real description, declaring maxRecordCount 20 as 10.1+ servers do.
    folder = tmp_path / "arcgis" / "columbia-mo"
    shutil.copytree(RECORDINGS / "arcgis" / "columbia-mo", folder)
    description = recorded(COLUMBIA["layer_metadata"]) | {"maxRecordCount": 20}
    (folder / "layer-metadata.json").write_text(json.dumps(description), encoding="utf-8")
    entry = columbia(page_size=1000)
    pages = list(ArcGISSource(entry, replay(entry, recordings_dir=tmp_path).client).pages())
    assert [len(page.records) for page in pages] == [20, 20, 3]


def test_the_exceeded_transfer_limit_flag_is_read_from_both_formats(replay: StartReplay) -> None:
    baltimore = {"platform": "arcgis", "layer_url": BALTIMORE_LAYER, "format": "json"}
    served = replay(denver(), entry_for(baltimore, BALTIMORE_RECORDING))
    query: dict[str, str | int] = {"where": "1=1", "outFields": "*", "resultRecordCount": 4}
    for layer, fmt, rows in ((DENVER_LAYER, "geojson", 16), (BALTIMORE_LAYER, "json", 7)):
        first = served.client.get_json(f"{layer}/query", query | {"f": fmt, "resultOffset": 0})
        assert feature_records(first)[1] is True
        last = served.client.get_json(f"{layer}/query", query | {"f": fmt, "resultOffset": 4})
        got, exceeded = feature_records(last)
        assert (len(got), exceeded) == (min(4, rows - 4), rows > 8)


def test_a_range_cut_short_continues_after_the_last_id_received() -> None:
    paginator = ObjectIdRangePaginator(
        [1, 2, 3, 5, 8, 9, 10], 4, oid_field="OBJECTID", where="1=1", after=None
    )
    assert paginator.params() == {"where": "(1=1) AND OBJECTID >= 1 AND OBJECTID <= 5"}
    paginator.update([{"OBJECTID": 1}, {"OBJECTID": 2}], more=True)
    assert paginator.token == 2
    assert paginator.params() == {"where": "(1=1) AND OBJECTID >= 3 AND OBJECTID <= 9"}
    paginator.update([{"OBJECTID": 3}, {"OBJECTID": 5}, {"OBJECTID": 8}, {"OBJECTID": 9}])
    assert paginator.params() == {"where": "(1=1) AND OBJECTID >= 10 AND OBJECTID <= 10"}
    paginator.update([])  # id 10 was deleted since the ids query: the walk still ends
    assert (paginator.token, paginator.has_more) == (10, False)


def test_a_range_walk_that_misses_many_listed_ids_is_incomplete() -> None:
    paginator = ObjectIdRangePaginator(
        [1, 2, 3, 4, 5, 6], 3, oid_field="OID", where="1=1", after=None
    )
    paginator.update([{"OID": 1}])
    with pytest.raises(IncompleteReadError, match="read 2 of the 6 records"):
        paginator.update([{"OID": 4}])


def test_a_server_ignoring_the_range_is_a_loop() -> None:
    paginator = ObjectIdRangePaginator([1, 2, 3, 4], 2, oid_field="OID", where="1=1", after=2)
    with pytest.raises(IncompleteReadError, match="ignores the where clause"):
        paginator.update([{"OID": 1}, {"OID": 2}], more=True)


def test_http_200_error_bodies_are_fatal_with_advice(replay: StartReplay) -> None:
    entry = entry_for({"platform": "arcgis", "layer_url": DENVER_LAYER}, KENT_ERROR)
    source = ArcGISSource(entry, replay(entry).client)
    with pytest.raises(FatalSourceError) as error:
        list(source.pages())
    message = str(error.value)
    assert "ArcGIS error 400: Unable to complete operation." in message
    assert "check where, out_fields and the cursor field" in message
    with pytest.raises(FatalSourceError, match="ArcGIS error 400"):
        source.count()


def test_an_unknown_cursor_field_is_reported_by_the_server(replay: StartReplay) -> None:
    entry = denver(cursor={"field": "DATE_ISSUD", "kind": "epoch_ms"})
    with pytest.raises(FatalSourceError, match="Invalid field: DATE_ISSUD"):
        ArcGISSource(entry, replay(entry).client).count(since="2026-09-20")


@pytest.mark.parametrize(
    ("code", "error", "advice"),
    [
        (503, RetriableSourceError, "run the sync again later"),
        (504, RetriableSourceError, "run the sync again later"),
        (499, FatalSourceError, "requires a token"),
        (498, FatalSourceError, "token is invalid or expired"),
        (404, FatalSourceError, "does not exist"),
        (403, FatalSourceError, "refused access"),
    ],
)
def test_error_codes_are_sorted_by_what_to_do(
    code: int, error: type[Exception], advice: str
) -> None:
    body = recorded(KENT_ERROR)
    body["error"]["code"] = code
    with pytest.raises(error, match=advice):
        raise_for_esri_error(body, DENVER_LAYER)
    raise_for_esri_error({"count": 7}, DENVER_LAYER)  # no error member: nothing raised


@pytest.mark.parametrize(
    ("value", "kind", "literal"),
    [
        ("1790294400000", "epoch_ms", "TIMESTAMP '2026-09-25 00:00:00'"),
        ("2026-09-25T02:30:00-04:00", "datetime", "TIMESTAMP '2026-09-25 06:30:00'"),
        ("2026-09-25", "date", "TIMESTAMP '2026-09-25 00:00:00'"),
        ("12.5", "number", "12.5"),
        ("O'Brien", "string", "'O''Brien'"),
    ],
)
def test_where_literals_follow_the_cursor_kind(value: str, kind: str, literal: str) -> None:
    assert where_literal(value, kind) == literal


@pytest.mark.parametrize(("value", "kind"), [("twelve", "number"), ("last tuesday", "datetime")])
def test_bad_cursor_values_are_fatal(value: str, kind: str) -> None:
    with pytest.raises(FatalSourceError, match="cursor"):
        where_literal(value, kind)


def test_esri_points_and_empty_geometries() -> None:
    assert esri_to_geojson({"x": -92.27, "y": 38.79}) == {
        "type": "Point",
        "coordinates": [-92.27, 38.79],
    }
    assert esri_to_geojson({"x": "NaN", "y": "NaN"}) is None
    assert esri_to_geojson({"x": None, "y": None}) is None
    assert esri_to_geojson(None) is None
    assert esri_to_geojson({"rings": []}) is None


def test_esri_polygons_become_counter_clockwise_geojson_polygons() -> None:
    rings = recorded("arcgis/kent-county-mi/query-page.json")["features"][0]["geometry"]["rings"]
    polygon = esri_to_geojson({"rings": rings})
    assert polygon is not None
    assert polygon["type"] == "Polygon"
    (exterior,) = polygon["coordinates"]
    assert sorted(map(tuple, exterior)) == sorted(tuple(p[:2]) for p in rings[0])
    assert _area(exterior) > 0  # RFC 7946: exterior rings run counter-clockwise


def test_holes_join_their_outer_ring_and_separate_outers_make_a_multipolygon() -> None:
    outer = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]  # clockwise: an Esri outer ring
    hole = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]  # counter-clockwise: an Esri hole
    island = [[20, 0], [20, 5], [25, 5], [25, 0], [20, 0]]
    polygon = esri_to_geojson({"rings": [outer, hole, island]})
    assert polygon is not None
    assert polygon["type"] == "MultiPolygon"
    first, second = polygon["coordinates"]
    assert len(first) == 2
    assert len(second) == 1
    assert _area(first[0]) > 0 > _area(first[1])  # exterior CCW, hole CW
    assert geojson_to_esri(polygon) is not None
    assert esri_to_geojson(geojson_to_esri(polygon)) == polygon


def test_esri_lines_and_multipoints() -> None:
    assert esri_to_geojson({"paths": [[[0, 0, 5], [1, 1, 5]]]}) == {
        "type": "LineString",
        "coordinates": [[0, 0], [1, 1]],
    }
    two = {"paths": [[[0, 0], [1, 1]], [[2, 2], [3, 3]]]}
    assert esri_to_geojson(two) == {
        "type": "MultiLineString",
        "coordinates": two["paths"],
    }
    assert esri_to_geojson({"points": [[0, 1], [2, 3]]}) == {
        "type": "MultiPoint",
        "coordinates": [[0, 1], [2, 3]],
    }
    for geometry in (two, {"points": [[0, 1], [2, 3]]}):
        assert geojson_to_esri(esri_to_geojson(geometry)) == geometry


def _area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring)) / 2
