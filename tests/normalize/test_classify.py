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


# Real descriptions from the recordings (rows named by dataset and key).


def test_roof_mounted_solar_is_not_roofing() -> None:
    # NYC BIS job filing, A2 tax-abatement solar filing.
    text = "INSTALLATION OF ROOF  MOUNTED SOLAR PANELS. NO CHANGE IN USE, EGRESS OR OCCUPANCY."
    assert classify({"description": text}, NO_MAPS).tags == ["solar"]
    assert classify({"description": "reroofing"}, NO_MAPS).tags == ["roofing"]  # SF


def test_no_change_to_a_list_negates_every_item() -> None:
    # NYC DOB NOW filing: architectural work only.
    result = classify(
        {
            "description": "INTERIOR RENOVATION OF #831 ON 8TH FLOOR OF RESIDENTIAL BUILDING. "
            "ARCHITECTURAL WORK ONLY. NO CHANGE TO MECHANICAL, PLUMBING, ELECTRICAL OR "
            "STRUCTURE. NO CHANGE TO USE, OCCUPANCY OR EGRESS."
        },
        NO_MAPS,
    )
    assert result.tags == ["alteration"]


def test_work_left_in_place_is_not_tagged() -> None:
    # NYC DOB NOW: rooftop units replaced, "existing roofing not to be disturbed".
    text = (
        "APPLICATION FILED FOR THE DIRECT REPLACEMENT OF EXISTING ROOFTOP UNITS ON EXISTING "
        "DUNNAGE. EXISTING ROOFING NOT TO BE DISTURBED UNDER THIS APPLICATION."
    )
    assert classify({"description": text}, NO_MAPS).tags == ["hvac"]


def test_separate_permit_keeps_the_work_named_before_it() -> None:
    # NYC DOB NOW: the renovation is this filing's, the plumbing is not.
    text = (
        "RENOVATION OF AN TWO STORY BRICK WITH CELLAR HOUSE, PARTITION WORK AS PER PLAN, "
        "PLUMBING WORK WILL BE FILED UNDER SEPARATE APPLICATION."
    )
    assert classify({"description": text}, NO_MAPS).tags == ["alteration"]


def test_related_job_tags_do_not_name_the_category() -> None:
    # NYC BIS A3: a builder's pavement plan filed with a new building.
    result = classify(
        {
            "permit_type": "A3",
            "description": "BUILDERS PAVEMENT PLAN FILED IN CONJUNCTION WITH NB APPLICATION "
            "#321592790 TOTAL OF  243 LINEAR FEET",
        },
        ValueMaps(tags={"A3": []}),
    )
    assert result.tags == ["new_construction", "grading"]
    assert result.category == "grading"
    assert "tag:new_construction<-description(related job):'NB'" in result.rules


def test_an_empty_catalog_entry_says_the_code_names_no_work() -> None:
    # SF "otc alterations permit" covers re-roofs as much as remodels.
    maps = ValueMaps(tags={"8": [], "otc alterations permit": []})
    fields = {
        "permit_type": "8",
        "permit_type_desc": "otc alterations permit",
        "description": "replace 5 windows at rear of building with vinyl double pane windows",
    }
    assert classify(fields, maps).tags == ["windows_doors"]


def test_description_names_its_main_purpose_first() -> None:
    # NYC DOB NOW: plumbing first, then the sprinkler heads.
    text = (
        "HEREY FILING FOR THE INSTALLATION OF PLUMBING FIXTURES AND SPRINKLER IN FIRST FLOOR "
        "COMMERCIAL SPACE."
    )
    assert classify({"description": text}, NO_MAPS).category == "plumbing"
    # SF: a remodel of rooms is an alteration first.
    text = "reconfigure (e) kitchen and bathroom at 1st flr"
    result = classify({"description": text}, NO_MAPS)
    assert (result.tags, result.category) == (["alteration", "kitchen", "bathroom"], "alteration")


def test_compounds_earn_every_tag() -> None:
    assert classify({"description": "INSTALLATION OF HEAT PUMP."}, NO_MAPS).tags == [
        "heat_pump",
        "hvac",
    ]
    text = "11th-floor suite renovation with new layout, finishes, and MEP work"  # Montgomery
    assert classify({"description": text}, NO_MAPS).tags == [
        "hvac",
        "plumbing",
        "electrical",
        "alteration",
    ]


def test_a_strip_out_alone_is_a_partial_demolition() -> None:
    # Montgomery County: demolition alone vs. demolition inside a fit-out.
    alone = "Interior demolition of the Ste. 500 of Physician Office Bldg to prepare shell space."
    assert classify({"description": alone}, NO_MAPS).tags == ["demolition"]
    fit_out = "SELECTIVE DEMOLITION OF EXISTING WALLS. NEW WORK INCLUDES PARTITIONS + DFH, CEILINGS"
    assert classify({"description": fit_out}, NO_MAPS).tags == ["alteration"]


def test_demolition_inside_a_renovation_is_a_step_of_the_alteration() -> None:
    # Montgomery County, MD commercial permits (recordings/prepared/montgomery-county-md).
    result = classify(
        {
            "description": "SELECTIVE DEMOLITION OF EXISTING WALLS. DEMOLITION OF EXISTING\n"
            "CEILINGS, LIGHTING, AND WALL + FLOOR FINISHES AND REMOVAL OF EXISTING EQUIPMENT "
            "AND FIXTUES. NEW\nWORK INCLUDES PARTITIONS + DFH, CEILINGS"
        },
        NO_MAPS,
    )
    assert "demolition" not in result.tags
    assert "alteration" in result.tags


def test_future_work_is_not_this_permits_work() -> None:
    minor = classify(
        {
            "description": "MINOR DEMOLITION OF EXISTING TENANTS OFFICE SPACE FOR FUTURE "
            "RENOVATIONS. THERE ARE NO STRUCTURAL MODIFICATIONS"
        },
        NO_MAPS,
    )
    assert (minor.tags, minor.category) == (["demolition"], "demolition")
    prepared = classify(
        {
            "description": "Interior demolition on 1st and 2nd floors in preparation of interior "
            "renovations under separate permits."
        },
        NO_MAPS,
    )
    assert prepared.category == "demolition"
    assert "alteration" not in prepared.tags


def test_demolition_of_a_structure_counts_whatever_else_is_named() -> None:
    # NYC DOB NOW shifted rows: "Full demolition to a one story garage".
    result = classify({"description": "Full demolition to a one story garage"}, NO_MAPS)
    assert result.category == "demolition"
    both = classify(
        {"description": "Demolish existing detached garage and construct new deck"}, NO_MAPS
    )
    assert {"demolition", "deck"} <= set(both.tags)


def test_a_type_field_saying_demolition_is_a_demolition_permit() -> None:
    result = classify({"permit_type": "Bldg-Demolition", "description": "remove fixtures"}, NO_MAPS)
    assert result.category == "demolition"
    assert "tag:demolition<-permit_type:'Bldg-Demolition'" in result.rules
