"""Esri JSON geometry <-> GeoJSON geometry, for ArcGIS layers answered with ``f=json``.

Esri JSON spells a point ``{"x", "y"}``, a multipoint ``{"points"}``, lines ``{"paths"}`` and
polygons ``{"rings"}``: one flat list of rings where outer rings run clockwise and holes
counter-clockwise, so which hole belongs to which outer ring is left to the reader. GeoJSON
(RFC 7946) nests holes under their outer ring and winds the other way round. Coordinates keep
x and y only: without the layer's ``hasZ``/``hasM`` flags a third value could be either an
elevation or a measure, and permit locations need neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from permitdb.errors import FatalSourceError

Position = list[float]
Ring = list[Position]


def esri_to_geojson(geometry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The GeoJSON geometry for an Esri JSON geometry; None when it is absent or empty."""
    if not geometry:
        return None
    if "x" in geometry:
        x, y = geometry.get("x"), geometry.get("y")
        # Servers spell an empty point as null coordinates or the string "NaN".
        if not isinstance(x, int | float) or not isinstance(y, int | float) or x != x or y != y:
            return None
        return {"type": "Point", "coordinates": [x, y]}
    if geometry.get("points"):
        return {"type": "MultiPoint", "coordinates": [_position(p) for p in geometry["points"]]}
    if geometry.get("paths"):
        lines = [[_position(p) for p in path] for path in geometry["paths"]]
        if len(lines) == 1:
            return {"type": "LineString", "coordinates": lines[0]}
        return {"type": "MultiLineString", "coordinates": lines}
    if geometry.get("rings"):
        return _polygons([[_position(p) for p in ring] for ring in geometry["rings"]])
    return None


def geojson_to_esri(geometry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The Esri JSON geometry for a GeoJSON geometry (the replay portal's ``f=json``)."""
    if not geometry:
        return None
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return {"x": coordinates[0], "y": coordinates[1]}
    if kind == "MultiPoint":
        return {"points": coordinates}
    if kind == "LineString":
        return {"paths": [coordinates]}
    if kind == "MultiLineString":
        return {"paths": coordinates}
    polygons = [coordinates] if kind == "Polygon" else coordinates
    rings = [
        _wound(ring, clockwise=index == 0)
        for polygon in polygons
        for index, ring in enumerate(polygon)
    ]
    return {"rings": rings}


def _position(point: Sequence[float]) -> Position:
    return [point[0], point[1]]


def _polygons(rings: list[Ring]) -> dict[str, Any] | None:
    """Group Esri rings into GeoJSON polygons: each hole goes to the outer ring holding it."""
    polygons: list[list[Ring]] = []
    holes: list[Ring] = []
    for ring in rings:
        closed = ring if ring[0] == ring[-1] else [*ring, ring[0]]
        if len(closed) < 4:  # fewer than three distinct corners encloses nothing
            continue
        if _signed_area(closed) < 0:
            polygons.append([_wound(closed, clockwise=False)])
        else:
            holes.append(closed)
    for hole in holes:
        owner = next((p for p in polygons if _contains(p[0], hole[0])), None)
        if owner is None:
            # A counter-clockwise ring inside no outer ring: some writers ignore Esri's winding
            # rule, so treat it as an outer ring of its own rather than drop the area.
            polygons.append([_wound(hole, clockwise=False)])
        else:
            owner.append(_wound(hole, clockwise=True))
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace area: positive when the ring runs counter-clockwise (y pointing up)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring)) / 2


def _wound(ring: Ring, *, clockwise: bool) -> Ring:
    """``ring`` running the requested way round."""
    return ring[::-1] if (_signed_area(ring) < 0) != clockwise else ring


def _contains(ring: Sequence[Sequence[float]], point: Sequence[float]) -> bool:
    """Even-odd ray casting: is ``point`` inside ``ring``?"""
    x, y = point[0], point[1]
    inside = False
    for a, b in pairwise(ring):
        if (a[1] > y) != (b[1] > y) and x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]:
            inside = not inside
    return inside


def feature_parts(feature: object, member: str, answered: str) -> tuple[dict[str, Any], Any]:
    """A GeoJSON or Esri JSON feature's ``member`` (``properties`` or ``attributes``, a copy)
    and its geometry as sent. Any other shape (``null``, a list) is a malformed answer: a
    ``FatalSourceError`` saying so, where ``answered`` names what answered it."""
    values = feature.get(member) if isinstance(feature, dict) else None
    if not isinstance(feature, dict) or not isinstance(values, dict | None):
        raise FatalSourceError(
            f"{answered} a feature {feature!r:.200}, not an object with {member}: the portal "
            "sent a malformed answer. Rerun the sync later; if it persists, report it to the "
            "dataset's publisher."
        )
    return dict(values or {}), feature.get("geometry")
