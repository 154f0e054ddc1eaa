"""Replay a CARTO table through ``/api/v2/sql`` from a recorded ``format=GeoJSON`` answer.

The recording's features are the whole table (``the_geom`` is each feature's geometry). The
statements ``CartoSource`` sends are answered, and nothing else:
``SELECT * | <columns> | COUNT(*) AS count FROM <table> [WHERE "<column>" >= '<value>']
[ORDER BY <column>[, <column>]] [LIMIT n] [OFFSET m]``, as ``format=GeoJSON`` (a
FeatureCollection) or ``format=json`` (``{"rows": [...]}``; geometry left out, as this replay
cannot write CARTO's hex WKB). SQL errors answer HTTP 400 ``{"error": ["<message>"]}`` with
PostgreSQL's wording, as CARTO does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.testing.portal import ReplayRequest, ReplayResponse, json_response
from permitdb.testing.recordings import RecordedFeature, load_document, recorded_features

SQL_PATH: Final = "/api/v2/sql"
GEOMETRY_COLUMN: Final = "the_geom"
COUNT: Final = "COUNT(*) AS count"
# A pattern that reads the SQL CartoSource sends, not a query.
SQL: Final = re.compile(
    r"SELECT (?P<columns>.+?) FROM (?P<table>[\w.]+)"
    r"(?: WHERE \"(?P<field>\w+)\" >= '(?P<value>(?:[^']|'')*)')?"
    r"(?: ORDER BY (?P<order>\w+(?:, \w+)*))?"
    r"(?: LIMIT (?P<limit>\d+))?(?: OFFSET (?P<offset>\d+))?"
)


class SqlError(ValueError):
    """PostgreSQL refused the statement; CARTO answers HTTP 400 with the message."""


def handle(
    entry: CatalogEntry, recordings_dir: Path, request: ReplayRequest
) -> ReplayResponse | None:
    if not isinstance(entry.source, catalog.CartoSource):
        return None
    if request.path != urlsplit(entry.source.base_url).path.rstrip("/") + SQL_PATH:
        return None
    document = load_document(recordings_dir / entry.recording.path)
    features, _ = recorded_features(document, entry.recording.path)
    q = request.query.get("q", [""])[0]
    fmt = request.query.get("format", ["json"])[0]
    try:
        columns, rows = _run(q, entry.source.table, features)
    except SqlError as exc:
        return json_response(400, {"error": [str(exc)]})
    if fmt.lower() == "geojson":
        geometry = columns is None or GEOMETRY_COLUMN in columns
        collection = [
            {
                "type": "Feature",
                "geometry": shape if geometry else None,
                "properties": _project(properties, columns),
            }
            for properties, shape in rows
        ]
        return json_response(200, {"type": "FeatureCollection", "features": collection})
    if columns == [COUNT]:
        return json_response(200, {"rows": [{"count": len(rows)}], "total_rows": 1})
    table = [_project(properties, columns) for properties, _ in rows]
    return json_response(200, {"rows": table, "total_rows": len(table)})


def _run(
    q: str, table: str, features: list[RecordedFeature]
) -> tuple[list[str] | None, list[RecordedFeature]]:
    """The selected column names (None for ``*``) and the matching features, in order."""
    match = SQL.fullmatch(q)
    if match is None:
        raise SqlError(f"the replay portal cannot run {q!r}")
    if match.group("table") != table:
        raise SqlError(f'relation "{match.group("table")}" does not exist')
    known = {GEOMETRY_COLUMN, *(features[0][0] if features else {})}
    selected = match.group("columns")
    columns = None if selected == "*" else [c.strip() for c in selected.split(",")]
    if columns == [COUNT]:
        known.add(COUNT)
    named = [*(columns or []), *(re.findall(r"\w+", match.group("order") or ""))]
    if match.group("field"):
        named.append(match.group("field"))
    missing = [name for name in named if name not in known]
    if missing:
        raise SqlError(f'column "{missing[0]}" does not exist')
    rows = list(features)
    if match.group("field"):
        field = match.group("field")
        bound = match.group("value").replace("''", "'")
        rows = [f for f in rows if _at_least(f[0][field], bound)]
    for name in reversed(re.findall(r"\w+", match.group("order") or "")):
        rows.sort(key=_sort_key(name))
    offset = int(match.group("offset") or 0)
    limit = match.group("limit")
    rows = rows[offset : offset + int(limit)] if limit is not None else rows[offset:]
    return columns, rows


def _sort_key(name: str) -> Callable[[RecordedFeature], tuple[bool, Any]]:
    """Ascending with nulls last, as PostgreSQL sorts."""

    def key(feature: RecordedFeature) -> tuple[bool, Any]:
        value = feature[0][name]
        return value is None, value

    return key


def _at_least(value: object, bound: str) -> bool:
    """``value >= 'bound'`` as PostgreSQL casts the literal to the column's type."""
    if value is None:
        return False
    if isinstance(value, int | float):
        return value >= float(bound)
    try:
        return _instant(str(value)) >= _instant(bound)
    except ValueError:
        return str(value) >= bound


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _project(properties: Mapping[str, Any], columns: list[str] | None) -> dict[str, Any]:
    if columns is None:
        return dict(properties)
    return {name: properties[name] for name in columns if name in properties}
