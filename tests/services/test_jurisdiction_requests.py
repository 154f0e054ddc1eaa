"""Jurisdiction names match whatever their case, spacing, punctuation and accents."""

from __future__ import annotations

import pytest

from permitdb.services.jurisdiction_requests import name_key


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("St. Louis", "st louis"),
        ("  ST.LOUIS ", "st louis"),
        ("st   louis!", "st louis"),
        ("O'Fallon", "ofallon"),
        ("O’Fallon", "ofallon"),
        ("Cañon City", "canon city"),
        ("Winston-Salem", "winston salem"),
        ("...", ""),
    ],
)
def test_name_key(spelling: str, key: str) -> None:
    assert name_key(spelling) == key
