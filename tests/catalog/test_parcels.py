"""The ``parcels`` block: required with record_class new_construction_parcel, and only there."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from permitdb.catalog.load import problems_of
from permitdb.catalog.model import CatalogEntry


def minimal_entry(**overrides: Any) -> dict[str, Any]:
    return {
        "dataset": "tax-lots",
        "name": "Tax lots",
        "jurisdiction": {
            "slug": "austin-tx",
            "name": "Austin",
            "state": "TX",
            "timezone": "America/Chicago",
        },
        "source": {"platform": "file", "url": "https://example.gov/lots.csv", "format": "csv"},
        "primary_key": ["lot_id"],
        "fields": {"parcel_id": "lot_id"},
        "recording": {"path": "prepared/austin-tx/lots.csv"},
        **overrides,
    }


def problems(**overrides: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        CatalogEntry.model_validate(minimal_entry(**overrides))
    return problems_of(caught.value)


def test_a_parcel_dataset_with_its_block_is_valid() -> None:
    entry = CatalogEntry.model_validate(
        minimal_entry(
            record_class="new_construction_parcel",
            parcels={"year_built": "yearbuilt", "recent_years": 3},
        )
    )
    assert entry.parcels is not None
    assert (entry.parcels.recent_years, entry.parcels.since_year) == (3, None)


def test_a_parcel_dataset_needs_the_block() -> None:
    [problem] = problems(record_class="new_construction_parcel")
    assert "needs a parcels block" in problem


def test_the_block_is_only_for_parcel_datasets() -> None:
    [problem] = problems(parcels={"year_built": "yearbuilt", "since_year": 2015})
    assert "only for record_class new_construction_parcel" in problem


@pytest.mark.parametrize(
    "parcels",
    [
        {"year_built": "yearbuilt"},
        {"year_built": "yearbuilt", "recent_years": 3, "since_year": 2015},
    ],
    ids=["neither", "both"],
)
def test_exactly_one_threshold(parcels: dict[str, Any]) -> None:
    [problem] = problems(record_class="new_construction_parcel", parcels=parcels)
    assert problem == "parcels: give exactly one of recent_years or since_year"


def test_unknown_keys_are_named() -> None:
    parcels = {"year_built": "yearbuilt", "recent_year": 3}
    found = problems(record_class="new_construction_parcel", parcels=parcels)
    assert any(p.startswith("parcels.recent_year: unknown key") for p in found)
