"""ZIP -> USPS city, state and county FIPS from the packaged tables (needs zipcodes, addfips)."""

import pytest

pytest.importorskip("zipcodes")
pytest.importorskip("addfips")

from permitdb.normalize.zipcodes import lookup


def test_zip_gives_city_state_and_county() -> None:
    brooklyn = lookup("11238")  # DOB NOW filing: 1 GRAND ARMY PLAZA
    assert brooklyn is not None
    assert (brooklyn.city, brooklyn.state, brooklyn.county_fips) == ("Brooklyn", "NY", "36047")
    bethesda = lookup("20814")  # Montgomery County: 7272 WISCONSIN AVE
    assert bethesda is not None
    assert (bethesda.city, bethesda.county_fips) == ("Bethesda", "24031")


def test_district_of_columbia_has_its_county() -> None:
    washington = lookup("20001")
    assert washington is not None
    assert washington.county_fips == "11001"


@pytest.mark.parametrize("zip_code", ["00000", "1234", "ABCDE"])
def test_unknown_zip_is_none(zip_code: str) -> None:
    assert lookup(zip_code) is None
