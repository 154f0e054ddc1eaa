from datetime import UTC, date, datetime

import pytest
from normalize_fixtures import load_recording

from permitdb.normalize.dates import parse_date, parse_datetime, zone

DENVER = zone("America/Denver")
NEW_YORK = zone("America/New_York")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1790208000000, date(2026, 9, 24)),  # Denver DATE_ISSUED, UTC midnight = that date
        ("1790208000000", date(2026, 9, 24)),
        (1790208000000.0, date(2026, 9, 24)),
        ("2026-09-25T00:00:00.000", date(2026, 9, 25)),  # Socrata floating timestamp
        ("2020-06-05 ", date(2020, 6, 5)),  # NYC filing_date text with a trailing space
        ("04/08/2021", date(2021, 4, 8)),  # legacy CO
        ("12/15/2022 12:00:00 AM", date(2022, 12, 15)),  # DOB NOW filing date
        ("09/02/25  1:24:22 PM", date(2025, 9, 2)),  # DOB NOW CO issuance, two-digit year
        ("2026-06-25 02:06:25", date(2026, 6, 25)),
        (20250807, date(2025, 8, 7)),
        (20250807.190107, date(2025, 8, 7)),
        ("20250807", date(2025, 8, 7)),
        ("1899-12-31", date(1899, 12, 31)),  # sentinels parse; quality flags catch them
    ],
)
def test_date_spellings(value: object, expected: date) -> None:
    assert parse_date(value, DENVER) == expected


def test_instant_with_zone_becomes_the_local_date() -> None:
    # SF :updated_at 03:30 UTC is still the previous evening in California.
    assert parse_date("2025-08-08T03:30:43.448Z", zone("America/Los_Angeles")) == date(2025, 8, 7)
    assert parse_date("2025-08-08T03:30:43.448Z", zone("Europe/Berlin")) == date(2025, 8, 8)


def test_epoch_off_midnight_is_an_instant() -> None:
    # 2026-09-24T05:00Z is 23:00 on the 23rd in Denver.
    assert parse_date(1790208000000 + 5 * 3_600_000, DENVER) == date(2026, 9, 23)


def test_datetime_is_aware_utc_and_naive_means_local() -> None:
    assert parse_datetime("2025-08-07T19:01:07.429Z", NEW_YORK) == datetime(
        2025, 8, 7, 19, 1, 7, 429000, tzinfo=UTC
    )
    assert parse_datetime("09/02/25  1:24:22 PM", NEW_YORK) == datetime(
        2025, 9, 2, 17, 24, 22, tzinfo=UTC
    )


def test_catalog_format() -> None:
    assert parse_date("25|09|2026", DENVER, "%d|%m|%Y") == date(2026, 9, 25)


@pytest.mark.parametrize("value", ["unknown", "13/45/2020", "2026-02-30", True, {"a": 1}, "Permit"])
def test_garbage_raises(value: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse_date(value, DENVER)


def test_every_denver_date_is_read() -> None:
    features = load_recording("arcgis/denver-co/residential-construction-permits-query.geojson")
    issued = [parse_date(f["properties"]["DATE_ISSUED"], DENVER) for f in features["features"]]
    assert min(issued) == date(2026, 8, 27)
    assert max(issued) == date(2026, 9, 24)  # the range SOURCE.md gives
