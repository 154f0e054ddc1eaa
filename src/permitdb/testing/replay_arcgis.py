"""Replay an ArcGIS REST layer: its description (``?f=json``) and ``/query``, from a recording.

The recording is one query answer, GeoJSON (``f=geojson``) or Esri JSON (``f=json``); its
features are the whole layer. ``/query`` answers as a server does: ``where`` (conjunctions of
comparisons, the shapes ``ArcGISSource`` sends), ``returnCountOnly``, ``returnIdsOnly``,
``orderByFields``, ``resultOffset``/``resultRecordCount`` (ignored, as old servers do, when the
layer does not support pagination), the ``maxRecordCount`` cap with ``exceededTransferLimit``,
``outFields``, ``returnGeometry``, and ``f=json`` or ``f=geojson`` whichever the recording is
in. A recording that is an error envelope answers every request with it, with HTTP 200.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.sources.arcgis_answers import DEFAULT_MAX_RECORD_COUNT
from permitdb.sources.geometry import esri_to_geojson, geojson_to_esri
from permitdb.testing.portal import ReplayRequest, ReplayResponse, json_response
from permitdb.testing.recordings import load_document, recorded_features

SYNTHETIC_OID: Final = "OBJECTID"
IDS_ONLY_FILE: Final = "query-ids-only.json"
TOKEN: Final = re.compile(
    r"\s*(?:(?P<text>'(?:[^']|'')*')|(?P<paren>[()])|(?P<op>>=|<=|<>|=|>|<)|(?P<word>[^\s()'<>=]+))"
)
COMPARE: Final = {
    "=": operator.eq,
    "<>": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
JSON_TYPES: Final = {
    str: "esriFieldTypeString",
    int: "esriFieldTypeInteger",
    float: "esriFieldTypeDouble",
}


class QueryError(ValueError):
    """A request the replayed server would refuse; answered as ArcGIS does, with HTTP 200."""


@dataclass(frozen=True)
class RecordedLayer:
    description: dict[str, Any]
    oid_field: str
    rows: list[tuple[dict[str, Any], Any]]  # (attributes, geometry as recorded)
    geojson: bool  # the recording's geometry is GeoJSON (else Esri JSON)
    id_spelling: dict[int, Any]  # object id -> as the recorded ids-only answer wrote it


def handle(
    entry: CatalogEntry, recordings_dir: Path, request: ReplayRequest
) -> ReplayResponse | None:
    if not isinstance(entry.source, catalog.ArcGISSource):
        return None
    layer_path = urlsplit(entry.source.layer_url).path
    if request.path not in (layer_path, f"{layer_path}/query"):
        return None
    recorded = load_document(recordings_dir / entry.recording.path)
    if "error" in recorded:
        return json_response(200, recorded)
    layer = _layer(entry, recordings_dir, recorded)
    if request.path == layer_path:
        return json_response(200, layer.description)
    params = {name: values[0] for name, values in request.query.items()}
    try:
        return json_response(200, _query(layer, params))
    except QueryError as exc:
        # The envelope ArcGIS Server sends for a query it cannot run (kent-county-mi recording).
        error = {"code": 400, "message": "Unable to complete operation.", "details": [str(exc)]}
        return json_response(200, {"error": error})


def _layer(entry: CatalogEntry, recordings_dir: Path, recorded: Mapping[str, Any]) -> RecordedLayer:
    rows, geojson = recorded_features(recorded, entry.recording.path)
    metadata = entry.recording.layer_metadata
    described = load_document(recordings_dir / metadata) if metadata else None
    oid = _oid_field(described or recorded)
    if rows and oid not in rows[0][0]:
        # The recorded answer kept only the requested outFields, leaving out the object id
        # every live layer has; numbering the rows in recorded order stands in for it.
        rows = [({oid: n, **attributes}, shape) for n, (attributes, shape) in enumerate(rows, 1)]
    description = described or {
        "name": entry.name,
        "type": "Feature Layer",
        "objectIdField": oid,
        # Types read off the first row's JSON values: epoch-ms dates show as numbers.
        "fields": [
            {
                "name": name,
                "type": "esriFieldTypeOID"
                if name == oid
                else JSON_TYPES.get(type(value), "esriFieldTypeString"),
            }
            for name, value in (rows[0][0] if rows else {}).items()
        ],
        # maxRecordCount is left out: the SOURCE.md files do not state it for these
        # layers, so clients assume the 1000 of servers that omit it.
        "advancedQueryCapabilities": {"supportsPagination": True},
        "supportedQueryFormats": "JSON, geoJSON",
    }
    return RecordedLayer(description, oid, rows, geojson, _id_spelling(recordings_dir, entry, oid))


def _oid_field(document: Mapping[str, Any]) -> str:
    named = document.get("objectIdField") or document.get("objectIdFieldName")
    if isinstance(named, str):
        return named
    fields = document.get("fields") or []
    return next((f["name"] for f in fields if f.get("type") == "esriFieldTypeOID"), SYNTHETIC_OID)


def _id_spelling(recordings_dir: Path, entry: CatalogEntry, oid: str) -> dict[int, Any]:
    """A recorded ``returnIdsOnly`` answer beside the recording keeps its number spelling."""
    path = (recordings_dir / entry.recording.path).parent / IDS_ONLY_FILE
    if not path.is_file():
        return {}
    answer = load_document(path)
    if answer.get("objectIdFieldName") != oid:
        return {}
    return {int(value): value for value in answer.get("objectIds") or []}


def _query(layer: RecordedLayer, params: Mapping[str, str]) -> dict[str, Any]:
    fmt = params.get("f", "html")
    if fmt not in ("json", "pjson", "geojson"):
        raise QueryError(f"unsupported output format f={fmt!r}")
    rows = [row for row in layer.rows if _matches(row[0], params.get("where", "1=1"))]
    if params.get("returnCountOnly") == "true":
        return {"count": len(rows)}
    if params.get("returnIdsOnly") == "true":
        ids = [layer.id_spelling.get(a[layer.oid_field], a[layer.oid_field]) for a, _ in rows]
        return {"objectIdFieldName": layer.oid_field, "objectIds": ids or None}
    for term in reversed(params.get("orderByFields", "").split(",")):
        if term.strip():
            name, _, direction = term.strip().partition(" ")
            key = _field(rows[0][0], name) if rows else name
            descending = direction.strip().upper() == "DESC"
            rows.sort(key=lambda row: (row[0][key] is not None, row[0][key]), reverse=descending)
    cap = int(layer.description.get("maxRecordCount") or DEFAULT_MAX_RECORD_COUNT)
    advanced = layer.description.get("advancedQueryCapabilities") or {}
    offset = 0
    if advanced.get("supportsPagination", layer.description.get("supportsPagination")):
        offset = int(params.get("resultOffset", 0))
        cap = min(cap, int(params.get("resultRecordCount", cap)))
    chosen = rows[offset : offset + cap]
    exceeded = offset + cap < len(rows)
    fields = params.get("outFields", "*")
    geometry = params.get("returnGeometry", "true") == "true"
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "id": attributes[layer.oid_field],
                "geometry": _shape(shape, layer.geojson, geojson=True) if geometry else None,
                "properties": _project(attributes, fields),
            }
            for attributes, shape in chosen
        ]
        collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
        if exceeded:  # where ArcGIS Online puts the flag in GeoJSON answers
            collection["properties"] = {"exceededTransferLimit": True}
        return collection
    answer: dict[str, Any] = {
        "objectIdFieldName": layer.oid_field,
        "spatialReference": {"wkid": 4326},
        "features": [
            {"attributes": _project(attributes, fields)}
            | ({"geometry": _shape(shape, layer.geojson, geojson=False)} if geometry else {})
            for attributes, shape in chosen
        ],
    }
    if exceeded:
        answer["exceededTransferLimit"] = True
    return answer


def _shape(shape: Any, recorded_geojson: bool, *, geojson: bool) -> Any:
    if recorded_geojson == geojson:
        return shape
    return esri_to_geojson(shape) if geojson else geojson_to_esri(shape)


def _project(attributes: Mapping[str, Any], out_fields: str) -> dict[str, Any]:
    names = [name.strip() for name in out_fields.split(",") if name.strip()]
    if "*" in names:
        return dict(attributes)
    return {(key := _field(attributes, name)): attributes[key] for name in names}


def _field(attributes: Mapping[str, Any], name: str) -> str:
    """The attribute key for ``name``: ArcGIS field names are case-insensitive."""
    for key in attributes:
        if key.lower() == name.lower():
            return key
    raise QueryError(f"Invalid field: {name}")


def _matches(attributes: Mapping[str, Any], where: str) -> bool:
    """Evaluate ``where``: comparisons joined by AND, in any parentheses."""
    tokens = []
    position = 0
    while position < len(where.rstrip()):
        match = TOKEN.match(where, position)
        if match is None:
            raise QueryError(f"cannot read the where clause at {where[position:]!r}")
        position = match.end()
        if match.lastgroup != "paren":  # parentheses only group ANDs here: they change nothing
            tokens.append(match.group().strip())
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token.upper() == "AND":
            clauses.append([])
        else:
            clauses[-1].append(token)
    return all(_holds(attributes, clause) for clause in clauses)


def _holds(attributes: Mapping[str, Any], clause: list[str]) -> bool:
    match clause:
        case ["1", "=", "1"]:
            return True
        case [name, op, kind, text] if op in COMPARE and kind.upper() in ("TIMESTAMP", "DATE"):
            value = attributes[_field(attributes, name)]
            moment = datetime.fromisoformat(text[1:-1].replace("''", "'")).replace(tzinfo=UTC)
            return value is not None and COMPARE[op](value, moment.timestamp() * 1000)
        case [name, op, text] if op in COMPARE and text.startswith("'"):
            value = attributes[_field(attributes, name)]
            return value is not None and COMPARE[op](str(value), text[1:-1].replace("''", "'"))
        case [name, op, number] if op in COMPARE:
            value = attributes[_field(attributes, name)]
            try:
                return value is not None and COMPARE[op](float(value), float(number))
            except ValueError:
                raise QueryError(f"cannot compare {name} with {number}") from None
    raise QueryError(f"the replay portal cannot evaluate {' '.join(clause)!r}")
