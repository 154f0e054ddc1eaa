"""The owner type read from an owner's name: one set of word rules for every roll."""

from __future__ import annotations

import pytest

from permitdb.normalize.owners import owner_type


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # names as the bundled rolls write them (PLUTO, DOF)
        ("RODRIGUEZ, JOSE R", "individual"),
        ("J MURPHY & UX", "individual"),
        ("MARIE DIPOLO", "individual"),
        ("U S GOVT LAND & BLDGS", "government"),
        ("GOVERNORS ISLAND CORPORATION", "company"),
        ("NYC HOUSING AUTHORITY", "government"),
        ("CITY OF CHICAGO", "government"),
        ("761 CLARENCE REALTY LLC", "company"),
        ("ACME HOLDINGS L.L.C.", "company"),
        ("SMITH FAMILY TRUST", "trust"),
        ("JOHN DOE TR", "trust"),
        ("CHICAGO TITLE LAND TRUST COMPANY", "company"),
        ("ST MARY'S CHURCH", "nonprofit"),
        ("MOUNT SINAI HOSPITAL", "nonprofit"),
        ("ARCHDIOCESE OF NEW YORK", "nonprofit"),
    ],
)
def test_the_words_of_the_name_say_the_owner_type(name: str, expected: str) -> None:
    assert owner_type(name) == expected


@pytest.mark.parametrize("name", [None, "", "  ", "UNKNOWN", "12345", "OWNER 1234 OF RECORD LOT"])
def test_a_name_that_says_nothing_is_unknown(name: str | None) -> None:
    assert owner_type(name) == "unknown"


def test_a_public_body_beats_a_legal_form() -> None:
    assert owner_type("NEW YORK CITY HOUSING AUTHORITY INC") == "government"
    assert owner_type("ABC CHURCH INC") == "nonprofit"
