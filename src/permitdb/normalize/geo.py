"""Coordinates: reading a point, and checking it against the jurisdiction's state.

Points arrive as GeoJSON geometries (Point; Polygon/MultiPolygon parcels -> centroid of the outer
rings), Socrata location objects (``{"latitude": .., "longitude": ..}``), location text
``"(40.86778, -73.831248)"`` and WKT ``"POINT (-73.83 40.86)"``. Socrata renders a location that
was never geocoded as its address block alone, or as an object with only ``human_address``:
that is a record without a point (``geo_missing``), not a malformed one.

The state check uses the hand-written boxes in ``rules/state_bounds.yaml``; it catches swapped
pairs and far-off points, not a point that lands in the wrong county. A pair beyond +-180 is
projected, not degrees: web mercator (EPSG:3857, what ArcGIS serves when ``outSR`` is ignored) is
inverted in closed form and kept if it lands in the state. State plane needs a projection
library and a zone per jurisdiction; the ArcGIS connector asks portals for WGS84 (``outSR=4326``)
instead, and a pair that stays unexplained is dropped (the raw record keeps it).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from permitdb.normalize.rulefiles import load_rule_file
from permitdb.vocabulary import LocationSource, QualityFlag

_NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_LAT_LNG_TEXT = re.compile(rf"\(?\s*({_NUMBER})\s*[, ]\s*({_NUMBER})\s*\)?")
_WKT_POINT = re.compile(rf"POINT\s*Z?\s*\(\s*({_NUMBER})\s+({_NUMBER})(?:\s+{_NUMBER})?\s*\)", re.I)
# Bounds in rules/state_bounds.yaml trace the land boundary; pad for piers and shorelines.
_PAD_DEGREES = 0.05
# EPSG:3857 sphere radius (metres) and the largest coordinate it produces.
_MERCATOR_RADIUS = 6_378_137.0
_MERCATOR_LIMIT = math.pi * _MERCATOR_RADIUS

Box = tuple[float, float, float, float]  # south, north, west, east


@dataclass(slots=True)
class Placement:
    """Where a record is, how we know, and what looked wrong."""

    latitude: float | None = None
    longitude: float | None = None
    source: LocationSource | None = None
    flags: list[QualityFlag] = field(default_factory=list)


def parse_point(value: Any) -> tuple[float, float] | None:
    """``(latitude, longitude)`` from any point spelling; None for a location that was not
    geocoded (an address block or ``human_address`` without coordinates); ValueError for
    anything else."""
    if isinstance(value, dict):
        return _from_mapping(value)
    if isinstance(value, str):
        text = value.strip()
        match = _WKT_POINT.fullmatch(text)
        if match:
            return float(match.group(2)), float(match.group(1))
        match = _LAT_LNG_TEXT.search(text)
        if match:
            return float(match.group(1)), float(match.group(2))
        if "\n" in text:
            return None
    raise ValueError(f"not a point: {value!r}")


def place(latitude: float | None, longitude: float | None, state: str) -> Placement:
    """Check a source point against ``state``: swap a reversed pair, flag what is off."""
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return Placement(flags=["geo_missing"])
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return Placement(flags=["geo_missing"])
    boxes = _state_boxes().get(state)
    if abs(latitude) > 180 or abs(longitude) > 180:
        return _reprojected(latitude, longitude, boxes)
    if boxes is None or _inside(latitude, longitude, boxes):
        return Placement(latitude, longitude, "source")
    if _inside(longitude, latitude, boxes):
        return Placement(longitude, latitude, "source_swapped")
    return Placement(latitude, longitude, "source", ["geo_out_of_jurisdiction"])


def _reprojected(latitude: float, longitude: float, boxes: list[Box] | None) -> Placement:
    """A projected pair as web mercator, in either order; dropped if it fits neither."""
    for x, y in ((longitude, latitude), (latitude, longitude)):
        if abs(x) > _MERCATOR_LIMIT or abs(y) > _MERCATOR_LIMIT:
            continue
        lng = math.degrees(x / _MERCATOR_RADIUS)
        lat = math.degrees(2 * math.atan(math.exp(y / _MERCATOR_RADIUS)) - math.pi / 2)
        if boxes is None or _inside(lat, lng, boxes):
            return Placement(lat, lng, "source_reprojected")
    return Placement(flags=["geo_missing"])


def _from_mapping(value: dict[str, Any]) -> tuple[float, float] | None:
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
        return float(coordinates[1]), float(coordinates[0])
    if kind == "Polygon" and isinstance(coordinates, list) and coordinates:
        return _centroid([coordinates[0]])
    if kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        return _centroid([polygon[0] for polygon in coordinates if polygon])
    if value.get("latitude") not in (None, "") and value.get("longitude") not in (None, ""):
        return float(value["latitude"]), float(value["longitude"])
    if value.get("human_address"):
        return None
    raise ValueError(f"not a point: {value!r}")


def _centroid(rings: list[list[list[float]]]) -> tuple[float, float]:
    """Area-weighted centroid of the outer rings (shoelace); vertex mean if they have no area."""
    area_sum = x_sum = y_sum = 0.0
    vertices: list[list[float]] = []
    for ring in rings:
        vertices.extend(ring)
        for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring):
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            x_sum += (x0 + x1) * cross
            y_sum += (y0 + y1) * cross
    if area_sum:
        return y_sum / (3 * area_sum), x_sum / (3 * area_sum)
    if not vertices:
        raise ValueError("polygon without vertices")
    return (
        sum(vertex[1] for vertex in vertices) / len(vertices),
        sum(vertex[0] for vertex in vertices) / len(vertices),
    )


def _inside(latitude: float, longitude: float, boxes: list[Box]) -> bool:
    return any(
        south - _PAD_DEGREES <= latitude <= north + _PAD_DEGREES
        and west - _PAD_DEGREES <= longitude <= east + _PAD_DEGREES
        for south, north, west, east in boxes
    )


@lru_cache(maxsize=1)
def _state_boxes() -> dict[str, list[Box]]:
    states: dict[str, list[list[float]]] = load_rule_file("state_bounds")["states"]
    return {code: [(b[0], b[1], b[2], b[3]) for b in boxes] for code, boxes in states.items()}
