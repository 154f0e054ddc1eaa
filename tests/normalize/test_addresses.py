import pytest

from permitdb.catalog.model import Jurisdiction
from permitdb.normalize.addresses import parse_street, standardize

MARYLAND = Jurisdiction(
    slug="baltimore-county-md", name="Baltimore County", state="MD", timezone="America/New_York"
)
AUSTIN = Jurisdiction(
    slug="austin-tx", name="Austin", state="TX", city="Austin", timezone="America/Chicago"
)


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


def test_bis_padding_is_standardized() -> None:
    parsed = parse_street("57 WEST   38 STREET")
    assert parsed is not None
    assert parsed.street_name == "W 38TH ST"


def test_glued_street_type() -> None:
    parsed = parse_street("9616  REISTERSTOWNRD")
    assert parsed is not None
    assert parsed.address == "9616 REISTERSTOWN RD"
    # Words that merely end in a type stay whole.
    howard = parse_street("123 HOWARD ST")
    assert howard is not None
    assert howard.street_name == "HOWARD ST"


def test_address_block_with_city_and_coordinates() -> None:
    text = "7272 WISCONSIN AVE\nBETHESDA, MD 20814\n(38.98217, -77.09324)"
    parsed = standardize(text, None, None, None, None, MARYLAND)
    assert parsed.address == "7272 WISCONSIN AVE"
    assert (parsed.city, parsed.state, parsed.zip) == ("Bethesda", "MD", "20814")


@pytest.mark.parametrize(
    "text", ["EAST  142 STREET", "N/A", "(38.1, -77.1)", "\x00", "", "#####", "12 A B C D E F G H"]
)
def test_unparseable_text_never_raises(text: str) -> None:
    parsed = standardize(text, None, None, None, None, MARYLAND)
    assert parsed.parsed is False
    assert parsed.address_key is None
    assert parsed.state == "MD"
