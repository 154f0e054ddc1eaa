"""Business-name normalization, the phone/licence/address keys and the pairwise match rule."""

from __future__ import annotations

import pytest

from permitdb.canonical import LicenseRecord, PermitRecord
from permitdb.normalize.contractors import (
    Mention,
    address_key,
    clean_names,
    license_key,
    match,
    mention_from_license,
    mention_from_permit,
    name_parts,
    phone_key,
)


def named(*names: str, state: str = "FL", **keys: str) -> Mention:
    return Mention(source="permit", names=names, state=state, **keys)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("STOKES JOHN R", "JOHN R STOKES"),
        ("C B S CONSTRUCTION CLEAN UP INC", "CBS CONSTRUCTION CLEAN UP INC"),
        ("Friends HVAC Services LLC", "FRIENDS HVAC SERVICES, INC."),
        ("J.A.S. CONSTRUCTION, LLC", "JAS Construction Corp"),
        ("MC NALLY HOMES INC", "McNally Homes"),
        ("GRIFFIN'S PLUMBING", "GRIFFINS PLUMBING"),
    ],
)
def test_one_name_however_written_has_one_key(left: str, right: str) -> None:
    assert name_parts(left.upper()).key == name_parts(right.upper()).key


def test_trade_and_legal_words_are_set_apart_from_distinctive_ones() -> None:
    parts = name_parts("SOUTH COAST CONSTRUCTION AND DEVLOPMENT LLC")
    assert parts.distinctive == ("COAST", "SOUTH")
    assert parts.trade == ("CONSTRUCTION", "DEVELOPMENT")  # the typo maps to its trade word
    assert parts.block == "COAST"


def test_markers_dba_and_placeholders_in_name_fields() -> None:
    assert clean_names("Novo Construction **Main**") == ("NOVO CONSTRUCTION",)
    assert clean_names("LIFETIME WINDOWS AND SIDING DBA LIFETIME HOME REMODELING") == (
        "LIFETIME WINDOWS AND SIDING",
        "LIFETIME HOME REMODELING",
    )
    assert clean_names("INDIVIDUAL") == ()
    assert clean_names("  ") == ()


def test_keys() -> None:
    assert license_key("CBC-006231") == "CBC006231"
    assert license_key("N/A") is None
    assert license_key("0000") is None
    assert phone_key("(805) 338 3191") == "8053383191"
    assert phone_key("1-541-215-0829") == "5412150829"
    assert phone_key("0000000000") is None
    assert phone_key("555-1234") is None
    assert address_key("P O BOX 238", "FL") == address_key("PO BOX 238", "FL") == "PO BOX 238|FL"
    assert address_key("2220 Corporate Square Boulevard", "FL") == address_key(
        "2220 CORPORATE SQUARE BLVD", "FL"
    )
    assert address_key("somewhere", "FL") is None


def test_a_licence_number_in_one_state_is_one_contractor_whatever_the_names() -> None:
    a = named("ACME", license_key="123", license_state="CA", state="CA")
    b = named("SOMETHING ELSE", license_key="123", license_state="CA", state="CA")
    found = match(a, b)
    assert found is not None
    assert found.method == "license"
    assert found.confidence == 1.0
    assert match(a, named("ACME", license_key="123", license_state="NV", state="NV")) is None


def test_names_must_agree_on_distinctive_words_and_not_contradict_on_trade() -> None:
    assert match(named("SMITH ROOFING LLC"), named("SMITH ROOFING INC")).method == "name_exact"  # type: ignore[union-attr]
    assert match(named("SMITH ROOFING"), named("SMITH ELECTRIC")) is None
    assert match(named("LANDS CONSTRUCTION INC"), named("LANDIS CONSTRUCTION LLC")) is None
    assert match(named("SOLAR PROS"), named("SOLAR KINGS")) is None
    fuzzy = match(named("GRIFFIN'S PLUMBING"), named("GRIFFIN'S PLUMBING AND CONSTRUCTION INC"))
    assert fuzzy is not None
    assert fuzzy.method == "name_fuzzy"
    assert fuzzy.confidence < 0.9
    # names are resolved within a state
    assert match(named("SMITH ROOFING", state="FL"), named("SMITH ROOFING", state="GA")) is None
    # a name of trade words only says nothing
    assert match(named("GENERAL CONTRACTING LLC"), named("GENERAL CONTRACTING INC")) is None


def test_two_other_licences_need_a_shared_address_or_phone_besides_the_name() -> None:
    a = named("ACE DOOR & WINDOW CO", license_key="CBC1", license_state="FL", address_key="X|FL")
    b = named("ACE DOOR AND WINDOW", license_key="CBC2", license_state="FL", address_key="X|FL")
    found = match(a, b)
    assert found is not None
    assert found.method == "address"
    elsewhere = named("ACE DOOR AND WINDOW", license_key="CBC2", license_state="FL")
    assert match(a, elsewhere) is None
    # an address ties names whose trade words differ, not unrelated names
    homes = named("MC NALLY HOMES INC", address_key="Y|FL")
    assert match(homes, named("MCNALLY CONSTRUCTION", address_key="Y|FL")) is not None
    assert match(homes, named("BRENNAN'S GLASS", address_key="Y|FL")) is None


def test_mentions_from_a_permit_and_a_licence() -> None:
    permit = PermitRecord(
        state="TX", contractor_name="Airco Mechanical", contractor_phone="512 555 0100"
    )
    mention = mention_from_permit(permit)
    assert mention is not None
    assert mention.phone_key == "5125550100"
    assert mention.license_state == "TX"
    assert mention.names == ("AIRCO MECHANICAL",)
    assert mention_from_permit(PermitRecord(state="TX")) is None
    licence = LicenseRecord(
        license_number="0006231",
        license_state="FL",
        business_name="INDIVIDUAL",
        person_name="WALTERS, DENNIS D",
        original_address1="6635 GLENCOE DRIVE",
    )
    found = mention_from_license(licence)
    assert found is not None
    assert found.names == ("WALTERS DENNIS D",)
    assert found.address_key == "6635 GLENCOE DR|FL"
    assert found.mention_key == mention_from_license(licence).mention_key  # type: ignore[union-attr]
