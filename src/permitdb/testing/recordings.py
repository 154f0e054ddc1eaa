"""The records of a bundled recording, in file order, shaped as the entry's connector yields them.

One reader for everyone who needs a recording's records without an HTTP round trip: the replay
handlers (which then page, filter and re-serialize them), the evaluation scorer (whose labels
name records by their 0-based position in the recording) and the golden snapshots.

Shapes, by platform: Socrata JSON arrays pass through; CSV (a Socrata export or a CSV file)
becomes rows of strings with ``sources.files.csv_records``'s semantics; ArcGIS GeoJSON and Esri
JSON features become their properties or attributes with the geometry, as GeoJSON, under
``GEOMETRY_KEY``; a CKAN ``datastore_search`` answer yields ``result.records``; a CARTO GeoJSON
answer yields properties plus geometry. A ``file`` entry's ``records_path`` and ``match`` apply,
because its connector applies them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.sources.base import GEOMETRY_KEY, RawRecord
from permitdb.sources.files import csv_records
from permitdb.sources.geometry import esri_to_geojson

# (properties or attributes, geometry exactly as recorded: GeoJSON or Esri JSON)
RecordedFeature = tuple[RawRecord, Any]


class RecordingError(ValueError):
    """The recording does not hold records in the shape its catalog entry's platform sends."""


def read_recording(entry: CatalogEntry, recordings_dir: Path) -> list[RawRecord]:
    """Every record of ``entry``'s recording, in file order."""
    return read_payload(entry, recordings_dir / entry.recording.path)


def read_payload(entry: CatalogEntry, path: Path) -> list[RawRecord]:
    """Every record of the file at ``path``, read as ``entry``'s portal answers, in file order:
    a recording, or a payload a user saved from the portal (``permitdb normalize``)."""
    source = entry.source
    if isinstance(source, catalog.FileSource):
        return file_records(path, source)
    if isinstance(source, catalog.SocrataSource):
        return soda_records(path)
    return document_records(entry, load_document(path))


def soda_records(path: Path) -> list[RawRecord]:
    """A Socrata recording: a SODA JSON array, or rows of the CSV export."""
    if path.suffix == ".csv":
        return csv_file_records(path)
    return _objects(load_document(path), str(path))


def load_document(path: Path) -> Any:
    """A JSON recording, parsed."""
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise RecordingError(f"{path}: not valid JSON ({exc})") from None


def document_records(entry: CatalogEntry, document: Any) -> list[RawRecord]:
    """The records of a parsed JSON recording of ``entry`` (for callers that need the envelope
    too, such as the replay handlers)."""
    where = entry.recording.path
    match entry.source:
        case catalog.SocrataSource():
            return _objects(document, where)
        case catalog.CKANSource():
            result = document.get("result") if isinstance(document, dict) else None
            records = result.get("records") if isinstance(result, dict) else None
            return _objects(records, f"{where}: result.records")
        case catalog.ArcGISSource() | catalog.CartoSource():
            features, geojson = recorded_features(document, where)
            return [_with_geometry(attributes, shape, geojson) for attributes, shape in features]
        case catalog.FileSource():
            return _objects(_at_path(document, entry.source.records_path), where)
    raise RecordingError(f"{where}: no reader for platform {entry.source.platform!r}")


def recorded_features(document: Any, where: str) -> tuple[list[RecordedFeature], bool]:
    """Each feature's properties (GeoJSON) or attributes (Esri JSON) and its geometry as
    recorded, and whether the recording is GeoJSON. The ArcGIS replay needs the geometry
    untouched, to answer in the recording's own format byte for byte."""
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise RecordingError(f"{where}: expected a query answer with features")
    geojson = document.get("type") == "FeatureCollection"
    member = "properties" if geojson else "attributes"
    return [(dict(f.get(member) or {}), f.get("geometry")) for f in features], geojson


def csv_file_records(path: Path, columns: Sequence[str] | None = None) -> list[RawRecord]:
    """A CSV recording's rows, with the connectors' CSV semantics (a BOM is dropped; a
    headerless file's cells are named by ``columns``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv_records(handle, columns=columns))


def file_records(path: Path, source: catalog.FileSource) -> list[RawRecord]:
    """A ``file`` entry's records: parsed per ``format``, then kept by ``match``."""
    match source.format:
        case "csv":
            parsed = csv_file_records(path, source.columns)
        case "ndjson":
            parsed = list(_ndjson(path))
        case "json":
            parsed = _objects(_at_path(load_document(path), source.records_path), str(path))
    return [
        record
        for record in parsed
        if all(str(record.get(key, "")).strip() == value for key, value in source.match.items())
    ]


def _ndjson(path: Path) -> Iterator[RawRecord]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise RecordingError(f"{path}: line {number} is not valid JSON ({exc})") from None
            if not isinstance(item, dict):
                raise RecordingError(f"{path}: line {number} is not a JSON object")
            yield item


def _at_path(document: Any, records_path: str | None) -> Any:
    """The value at a dotted ``records_path`` (the document itself when there is none)."""
    found = document
    if records_path:
        for key in records_path.split("."):
            found = found.get(key) if isinstance(found, dict) else None
    return found


def _objects(found: Any, where: str) -> list[RawRecord]:
    if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
        raise RecordingError(f"{where}: expected a JSON array of objects")
    return found


def _with_geometry(attributes: Mapping[str, Any], shape: Any, geojson: bool) -> RawRecord:
    record = dict(attributes)
    geometry = shape if geojson else esri_to_geojson(shape)
    if geometry:
        record[GEOMETRY_KEY] = geometry
    return record
