"""The geography parameters of a permit search, from their wire formats to the store's types.

Each parser raises ``ValueError`` with a message that says how to write the value; the caller
names the parameter in the error envelope.
"""

from __future__ import annotations

from typing import Any, Final

from permitdb.normalize.zipcodes import county_fips
from permitdb.store.permit_filters import Near, Ring

MAX_VERTICES: Final = 1000


_NUMBER: Final = r" *-?\d+(\.\d+)? *"
# What parse_bbox and parse_near read, as /openapi.json documents it; the ranges (±90, ±180,
# west ≤ east) are checked after, as kind "coordinate_range".
BBOX_PATTERN: Final = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
NEAR_PATTERN: Final = rf"^{_NUMBER},{_NUMBER}$"


class UnknownCounty(ValueError):
    """A well-formed county name that names no county of the state (Census list)."""

    kind: Final = "unknown_county"


class CoordinateRange(ValueError):
    """Coordinates of the right shape but outside the globe, or a box turned inside out."""

    kind: Final = "coordinate_range"


class InvalidGeometry(ValueError):
    """A polygon object that is not a valid GeoJSON Polygon or MultiPolygon (its type, closed
    rings, positions, vertex cap): rules about the data that the document's object cannot state."""

    kind: Final = "geometry"


class CountyWithoutState(ValueError):
    kind: Final = "combination"


def _numbers(text: str, count: int, shape: str) -> list[float]:
    parts = text.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != count or any(n != n for n in numbers):  # n != n: NaN
        raise ValueError(f"write it as {shape} in decimal degrees")
    return numbers


def _check_point(latitude: float, longitude: float) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise CoordinateRange("latitude must be within ±90 and longitude within ±180")


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    west, south, east, north = _numbers(text, 4, "west,south,east,north")
    _check_point(south, west)
    _check_point(north, east)
    if west > east or south > north:
        raise CoordinateRange(
            "west must be ≤ east and south ≤ north (boxes across ±180° unsupported)"
        )
    return west, south, east, north


def parse_near(text: str | None, radius_m: float | None) -> Near | None:
    if text is None or radius_m is None:
        return None
    latitude, longitude = _numbers(text, 2, "lat,lng")
    _check_point(latitude, longitude)
    return Near(latitude=latitude, longitude=longitude, radius_m=radius_m)


def county_codes(county: str | None, state: str | None) -> tuple[str, ...]:
    if county is None:
        return ()
    text = county.strip()
    if text.isdigit() and len(text) == 5:
        return (text,)
    if not state:
        raise CountyWithoutState("a county name needs state= too (or give its 5-digit FIPS code)")
    fips = county_fips(text, state.upper())
    if fips is None:
        message = f"no county '{text}' in {state.upper()}; check the spelling or use FIPS"
        raise UnknownCounty(message)
    return (fips,)


def _ring(coordinates: Any) -> Ring:
    if not isinstance(coordinates, list) or len(coordinates) < 4:
        raise InvalidGeometry("each ring is a closed list of at least 4 [lng, lat] positions")
    points: list[tuple[float, float]] = []
    for position in coordinates:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in position)
        ):
            raise InvalidGeometry("each position is [longitude, latitude] in decimal degrees")
        _check_point(float(position[1]), float(position[0]))
        points.append((float(position[0]), float(position[1])))
    if points[0] != points[-1]:
        raise InvalidGeometry("a ring must end where it starts (GeoJSON linear ring)")
    return tuple(points[:-1])


def polygon_rings(geometry: dict[str, Any] | None) -> tuple[Ring, ...]:
    """Every ring of a GeoJSON Polygon or MultiPolygon (holes included: even-odd rule)."""
    if geometry is None:
        return ()
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons: list[Any]
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        raise InvalidGeometry("give a GeoJSON Polygon or MultiPolygon geometry object")
    if not all(isinstance(polygon, list) and polygon for polygon in polygons):
        raise InvalidGeometry("each polygon is a non-empty list of rings")
    rings = tuple(_ring(ring) for polygon in polygons for ring in polygon)
    if sum(len(ring) for ring in rings) > MAX_VERTICES:
        raise InvalidGeometry(f"at most {MAX_VERTICES} vertices; simplify the polygon")
    return rings
