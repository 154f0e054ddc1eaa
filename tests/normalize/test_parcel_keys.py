"""One parcel, one key: the spellings assessors and permit systems use agree."""

from __future__ import annotations

import pytest

from permitdb.normalize.parcel_keys import parcel_key


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["14-21-101-005-0000", "14211010050000", " 14 21 101 005 0000 "], "14211010050000"),
        (["1-01234-0056", "1012340056", "1.01234.0056"], "1012340056"),
        (["0206011001", "02060-11001"], "0206011001"),
        (["r123-45a", "R12345A"], "R12345A"),
    ],
)
def test_spellings_of_one_parcel_share_a_key(spellings: list[str], key: str) -> None:
    assert {parcel_key(s) for s in spellings} == {key}


@pytest.mark.parametrize("value", [None, "", "N/A", "UNKNOWN", "0", "00-000", "--"])
def test_a_placeholder_names_no_parcel(value: str | None) -> None:
    assert parcel_key(value) is None
