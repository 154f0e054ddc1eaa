from permitdb.catalog.model import ValueMaps
from permitdb.normalize.property_class import decide_property_class

NO_MAPS = ValueMaps()


def test_dwelling_units_alone_make_a_residential_property() -> None:
    # NYC certificate of occupancy for a new building with 22 dwelling units, no use field.
    decided = decide_property_class({"permit_type": "NB", "housing_units": 22}, NO_MAPS)
    assert decided == ("residential", "property_class:residential<-housing_units:22")
    assert decide_property_class({"housing_units": 0}, NO_MAPS) == ("unknown", None)


def test_commercial_space_in_a_building_with_dwellings_is_mixed_use() -> None:
    # NYC DOB NOW filing in a 131-unit building.
    fields = {
        "permit_class": "Other",
        "description": "HEREBY FILING FOR THE INTERIOR RENOVATION OF EXISTING COMMERCIAL SPACE.",
        "housing_units": 131,
    }
    assert decide_property_class(fields, NO_MAPS)[0] == "mixed_use"
    assert decide_property_class({**fields, "housing_units": 0}, NO_MAPS)[0] == "commercial"


def test_catalog_class_is_not_second_guessed_by_unit_counts() -> None:
    # Austin: housing_units is unreliable at the source (300 on a pool-bar permit).
    maps = ValueMaps(property_class={"C- 437 Addn, Alter, Convn-NonRes": "commercial"})
    fields = {"permit_class": "C- 437 Addn, Alter, Convn-NonRes", "housing_units": 300}
    assert decide_property_class(fields, maps)[0] == "commercial"


def test_a_home_office_is_residential() -> None:
    text = "MINOR PARITITION RE-CONFIGURATION IN HOME OFFICE AND BEDROOM ACCESS."
    assert decide_property_class({"description": text}, NO_MAPS)[0] == "residential"
