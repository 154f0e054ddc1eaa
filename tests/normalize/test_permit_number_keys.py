"""Permit number keys (what lookups compare) and shapes (what formats are learned from)."""

from __future__ import annotations

import pytest

from permitdb.normalize.permit_numbers import permit_number_key, permit_number_shape


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("BLD2024-00123", "bld2024-00123"),
        ("  bld2024-00123\t", "bld2024-00123"),
        ("2026-000001  EP", "2026-000001 ep"),
        ("Straße 7", "strasse 7"),  # casefold, not lower: ß and SS compare equal
        ("   ", None),
        (None, None),
    ],
)
def test_key(number: str | None, key: str | None) -> None:
    assert permit_number_key(number) == key


@pytest.mark.parametrize(
    ("number", "shape"),
    [
        ("BLD2024-00123", "A{3}9{4}-9{5}"),
        ("bld2024-00123 ", "A{3}9{4}-9{5}"),
        ("2026-000001 EP", "9{4}-9{6} A{2}"),
        ("24044-20000-03620", "9{5}-9{5}-9{5}"),
        ("A/7", "A{1}/9{1}"),
        ("B--12", "A{1}--9{2}"),
        ("", None),
    ],
)
def test_shape(number: str, shape: str | None) -> None:
    assert permit_number_shape(number) == shape


def test_numbers_differing_only_in_digits_share_a_shape() -> None:
    assert permit_number_shape("BLD2024-00123") == permit_number_shape("xyz1999-55555")
    assert permit_number_shape("BLD2024-00123") != permit_number_shape("BLD2024-0012")
