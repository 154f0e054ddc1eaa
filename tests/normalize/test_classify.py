from permitdb.catalog.model import ValueMaps
from permitdb.normalize.classify import classify
from permitdb.normalize.property_class import decide_property_class

NO_MAPS = ValueMaps()


def test_abbreviations_and_negation() -> None:
    result = classify(
        {"description": "Install 7.2 kW PV system with ESS and EVSE, no electrical work"}, NO_MAPS
    )
    assert result.tags == ["solar", "battery", "ev_charger"]
    assert result.category == "solar"
    assert "tag:solar<-description:'PV'" in result.rules


def test_lowercase_pv_inside_words_is_not_solar() -> None:
    assert classify({"description": "Upv wiring to spv unit"}, NO_MAPS).tags == ["electrical"]


def test_separate_permit_sentence_negates() -> None:
    # Baltimore County CT25-0074.
    result = classify(
        {
            "permit_type": "Commercial Temporary",
            "permit_subtype": "Tent",
            "description": "Erect tent from 6/23 - 7/9/25 for the retail sale of sparklers. "
            "Separate permit required for any electrical or plumbing work.",
        },
        NO_MAPS,
    )
    assert result.tags == ["temporary"]


def test_non_electrical_sign() -> None:
    result = classify(
        {
            "permit_type_desc": "Commercial Sign",
            "description": "Installing Non-Electrical Store Front Sign (30' x 4')",
        },
        NO_MAPS,
    )
    assert result.tags == ["sign"]


def test_trade_permit_outranks_alteration() -> None:
    # Austin 2026-095727 EP.
    result = classify(
        {
            "permit_type_desc": "Electrical Permit",
            "work_class": "Remodel",
            "permit_class": "C-1000 Commercial Remodel",
            "description": "7 DAY - Interior remodel of existing office. no access control - OVA",
        },
        NO_MAPS,
    )
    assert result.tags == ["electrical", "alteration"]
    assert result.category == "electrical"


def test_construction_fence_is_scaffold_not_fence() -> None:
    result = classify({"permit_type": "Construction Fence"}, NO_MAPS)
    assert result.tags == ["scaffold"]


def test_catalog_tags_apply_first() -> None:
    maps = ValueMaps(tags={"construct": ["new_construction"]})
    result = classify({"work_class": "CONSTRUCT", "description": "office building"}, maps)
    assert result.category == "new_construction"
    assert result.rules[0] == "tag:new_construction<-catalog:'CONSTRUCT'"


def test_property_class() -> None:
    assert decide_property_class({"permit_class": "B,R2"}, NO_MAPS)[0] == "mixed_use"
    assert decide_property_class({"proposed_use": "1 family dwelling"}, NO_MAPS)[0] == "residential"
    assert (
        decide_property_class({"permit_class": "C- 437 Addn, Alter, Convn-NonRes"}, NO_MAPS)[0]
        == "commercial"
    )
    assert decide_property_class({"permit_class": "Non-Residential"}, NO_MAPS)[0] == "commercial"
    assert decide_property_class({"description": "odd job"}, NO_MAPS) == ("unknown", None)
    maps = ValueMaps(property_class={"business building": "commercial"})
    assert decide_property_class({"proposed_use": "BUSINESS BUILDING"}, maps) == (
        "commercial",
        "property_class:commercial<-catalog:'BUSINESS BUILDING'",
    )
