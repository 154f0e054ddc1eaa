"""Address standardization, on address text taken from the bundled recordings."""

import pytest

from permitdb.catalog.model import Jurisdiction
from permitdb.normalize.addresses import ZipPlace, parse_street, parse_unit, standardize

MARYLAND = Jurisdiction(
    slug="baltimore-county-md", name="Baltimore County", state="MD", timezone="America/New_York"
)
AUSTIN = Jurisdiction(
    slug="austin-tx", name="Austin", state="TX", city="Austin", timezone="America/Chicago"
)
NEW_YORK = Jurisdiction(
    slug="new-york-city-ny",
    name="New York City",
    state="NY",
    city="New York",
    timezone="America/New_York",
)


def street(text: str) -> tuple[str | None, str | None, str | None]:
    parsed = parse_street(text)
    assert parsed is not None, text
    return parsed.street_number, parsed.street_name, parsed.unit


def test_unit_is_split_off() -> None:
    parsed = standardize("812 SAN ANTONIO ST UNIT 500", None, "AUSTIN", None, "78701", AUSTIN)
    assert (parsed.street_number, parsed.street_name, parsed.unit) == (
        "812",
        "SAN ANTONIO ST",
        "UNIT 500",
    )
    assert parsed.city == "Austin"
    assert parsed.state == "TX"  # from the jurisdiction: Austin sends no state
    assert parsed.address_key == "812 SAN ANTONIO ST|78701|TX"


def test_units_of_one_building_share_a_key() -> None:
    first = standardize("601 RIO GRANDE ST UNIT 200", None, "AUSTIN", None, "78701", AUSTIN)
    second = standardize("601 RIO GRANDE ST UNIT 300", None, "AUSTIN", None, "78701", AUSTIN)
    assert first.address_key == second.address_key
    assert first.unit != second.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NYC BIS / DOB NOW: padding, spelled-out directionals, numbered streets without ordinal.
        ("57 WEST   38 STREET", ("57", "W 38TH ST", None)),
        ("545 EAST  142 STREET", ("545", "E 142ND ST", None)),
        ("314 EAST    9 STREET", ("314", "E 9TH ST", None)),
        ("470 PARK AVENUE SOUTH", ("470", "PARK AVE S", None)),
        ("955 FIFTH AVENUE", ("955", "5TH AVE", None)),
        ("1213 FIRST AVENUE", ("1213", "1ST AVE", None)),
        # A type before the name, and words of the name, stay spelled out.
        ("11 AVENUE D", ("11", "AVENUE D", None)),
        ("1095 AVENUE OF AMERICAS", ("1095", "AVENUE OF AMERICAS", None)),
        ("436 BEACH  129 STREET", ("436", "BEACH 129TH ST", None)),
        ("225 BAY   41 STREET", ("225", "BAY 41ST ST", None)),
        ("4401 EAST WEST HWY", ("4401", "EAST WEST HWY", None)),
        # Queens hyphens, a lettered half, and junk glued to the number (GAR: garage).
        ("131-02A 40 ROAD", ("131-02A", "40TH RD", None)),
        ("29-11 40 ROAD", ("29-11", "40TH RD", None)),
        ("91-57GAR 109 STREET", ("91-57", "109TH ST", None)),
        ("8107C FENTON ST", ("8107C", "FENTON ST", None)),
        ("99 GRANT AVE.", ("99", "GRANT AVE", None)),
    ],
)
def test_street_names_follow_publication_28(
    text: str, expected: tuple[str, str, str | None]
) -> None:
    assert street(text) == expected


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("600 GUADALUPE ST UNIT FLR30", "FL 30"),
        ("610 DAVIS ST BLDG 1FLR UNIT 55", "UNIT 55"),  # the last designator is the unit
        ("300 S GRAND AVE Level 32", "FL 32"),
        ("515 S FLOWER ST 32nd Floor", "FL 32"),
        ("400 S BROADWAY SUITE B", "STE B"),
        ("800 W 1ST ST #2309", "# 2309"),
        ("700 W 7TH ST G510", "# G510"),
        ("1000 S HILL ST L1-07", "# L1-07"),
        ("355 S GRAND AVE LVL 44,45", None),  # two floors name no one unit
        ("800 W 1ST ST 1701,2710", None),
        ("3127 N Columbine ST SFR", None),  # Denver's dwelling-type token, not a unit
    ],
)
def test_units_in_the_street_line(text: str, unit: str | None) -> None:
    assert street(text)[2] == unit


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("APT 1", "APT 1"),
        ("1", "# 1"),
        ("Suite 200", "STE 200"),
        ("REAR", "REAR"),
        ("APT 3A,3B,3C,3D,4A,4B,4C,4D, Store", None),
        ("Floor Number(s) 4 through 4", None),
    ],
)
def test_second_line_units(text: str, unit: str | None) -> None:
    assert parse_unit(text) == unit


def test_second_line_fills_a_missing_unit() -> None:
    parsed = standardize("314 EAST    9 STREET", "APT 1", "MANHATTAN", None, "10003", NEW_YORK)
    assert (parsed.unit, parsed.address) == ("APT 1", "314 E 9TH ST APT 1")


def test_borough_city_uses_the_usps_name() -> None:
    manhattan = standardize("57 WEST   38 STREET", None, "MANHATTAN", None, None, NEW_YORK)
    queens = standardize("246-08 135 ROAD", None, "QUEENS", None, None, NEW_YORK)
    assert (manhattan.city, queens.city) == ("New York", "Queens")


def test_glued_street_type() -> None:
    parsed = parse_street("9616  REISTERSTOWNRD")
    assert parsed is not None
    assert parsed.address == "9616 REISTERSTOWN RD"
    # Words that merely end in a type stay whole.
    assert street("123 HOWARD ST") == ("123", "HOWARD ST", None)


def test_address_block_with_city_and_coordinates() -> None:
    text = "7272 WISCONSIN AVE\nBETHESDA, MD 20814\n(38.98217, -77.09324)"
    parsed = standardize(text, None, None, None, None, MARYLAND)
    assert parsed.address == "7272 WISCONSIN AVE"
    assert (parsed.city, parsed.state, parsed.zip) == ("Bethesda", "MD", "20814")


def test_socrata_location_object_sent_as_json() -> None:
    text = (
        '{"human_address": "{\\"address\\": \\"1 INVENTA PL\\", \\"city\\": \\"SILVER SPRING\\",'
        ' \\"state\\": \\"MD\\", \\"zip\\": \\"20910\\"}"}'
    )
    parsed = standardize(text, None, None, None, None, MARYLAND)
    assert (parsed.address, parsed.city, parsed.zip) == ("1 INVENTA PL", "Silver Spring", "20910")


def test_zip_table_fills_city_state_and_county() -> None:
    def lookup(zip_code: str) -> ZipPlace | None:
        return ZipPlace("Silver Spring", "MD", "24031") if zip_code == "20910" else None

    parsed = standardize("1 INVENTA PL", None, None, None, "20910", MARYLAND, lookup)
    assert (parsed.city, parsed.state, parsed.county_fips) == ("Silver Spring", "MD", "24031")
    # The record's own city wins over the USPS one.
    named = standardize("1 INVENTA PL", None, "Takoma Park", None, "20910", MARYLAND, lookup)
    assert named.city == "Takoma Park"
    assert standardize("1 INVENTA PL", None, None, None, None, MARYLAND).county_fips is None


@pytest.mark.parametrize(
    "text",
    [
        "EAST  142 STREET",
        "N/A",
        "(38.1, -77.1)",
        "\x00",
        "",
        "#####",
        "12 A B C D E F G H",
        "1ST AVE",
    ],
)
def test_unparseable_text_never_raises(text: str) -> None:
    parsed = standardize(text, None, None, None, None, MARYLAND)
    assert parsed.parsed is False
    assert parsed.address_key is None
    assert parsed.state == "MD"
