import pytest

from permitdb.normalize.geo import parse_point, place


def test_point_spellings() -> None:
    assert parse_point({"type": "Point", "coordinates": [-122.475528738, 37.781956645]}) == (
        37.781956645,
        -122.475528738,
    )
    assert parse_point("(40.86778, -73.831248)") == (40.86778, -73.831248)
    assert parse_point("POINT (-73.83 40.86)") == (40.86, -73.83)
    text = "7272 WISCONSIN AVE\nBETHESDA, MD 20814\n(38.98217, -77.09324)"
    assert parse_point(text) == (38.98217, -77.09324)


def test_polygon_centroid() -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[-86, 42], [-85, 42], [-85, 43], [-86, 43], [-86, 42]]],
    }
    assert parse_point(square) == pytest.approx((42.5, -85.5))


def test_not_a_point() -> None:
    with pytest.raises(ValueError, match="not a point"):
        parse_point("somewhere downtown")


def test_placement() -> None:
    assert place(30.271867, -97.74668762, "TX").source == "source"
    swapped = place(-97.74668762, 30.271867, "TX")
    assert (swapped.latitude, swapped.longitude, swapped.source) == (
        30.271867,
        -97.74668762,
        "source_swapped",
    )
    assert place(0.0, 0.0, "TX").flags == ["geo_missing"]
    assert place(None, None, "TX").flags == ["geo_missing"]
    denver_in_texas = place(39.7580346412824, -104.978549184802, "TX")
    assert denver_in_texas.flags == ["geo_out_of_jurisdiction"]
    assert denver_in_texas.latitude == 39.7580346412824  # kept, only flagged


def test_web_mercator_is_reprojected() -> None:
    # DOB NOW's 57 WEST 38 STREET (40.751712, -73.984491) as EPSG:3857 metres, either order.
    for latitude, longitude in ((4975787.93, -8235915.86), (-8235915.86, 4975787.93)):
        moved = place(latitude, longitude, "NY")
        assert moved.source == "source_reprojected"
        assert (moved.latitude, moved.longitude) == pytest.approx((40.751712, -73.984491))


def test_unexplained_projected_pair_is_dropped() -> None:
    # Columbia MO's state-plane X/Y (feet): not web mercator, no point in Missouri.
    dropped = place(1075026, 1706020, "MO")
    assert (dropped.latitude, dropped.longitude, dropped.flags) == (None, None, ["geo_missing"])


def test_location_without_coordinates_is_no_point() -> None:
    # Montgomery County rows whose location text has no coordinate line; a Socrata location
    # object that was never geocoded.
    assert parse_point("1 INVENTA PL\nSILVER SPRING, MD 20910") is None
    assert parse_point({"human_address": '{"address": "1 INVENTA PL"}'}) is None
    with pytest.raises(ValueError, match="not a point"):
        parse_point({"latitude": None, "longitude": None})
