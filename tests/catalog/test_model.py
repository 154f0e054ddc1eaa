"""The catalog model accepts what docs/catalog-reference.md documents and nothing else."""

from typing import Any

import pytest
from pydantic import ValidationError

from permitdb.catalog.model import CatalogEntry, FieldSpec


def minimal_entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "dataset": "issued-permits",
        "name": "Issued permits",
        "jurisdiction": {
            "slug": "austin-tx",
            "name": "Austin",
            "state": "TX",
            "timezone": "America/Chicago",
        },
        "source": {
            "platform": "socrata",
            "domain": "data.austintexas.gov",
            "dataset_id": "3syk-w9eu",
        },
        "primary_key": ["permit_number"],
        "fields": {
            "permit_number": "permit_number",
            "issued_date": {"source": "issue_date", "convert": "date"},
        },
        "recording": {"path": "socrata/austin-tx/issued-construction-permits.json"},
    }
    entry.update(overrides)
    return entry


def test_minimal_entry_validates_and_expands_short_specs() -> None:
    entry = CatalogEntry.model_validate(minimal_entry())
    assert entry.slug == "austin-tx/issued-permits"
    specs = entry.field_specs()
    assert specs["permit_number"] == FieldSpec(source="permit_number")
    assert specs["issued_date"].convert == "date"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"fields": {"permit_numbr": "x"}}, "not mappable canonical fields: ['permit_numbr']"),
        ({"fields": {"status": "x"}}, "not mappable canonical fields: ['status']"),
        ({"surprise": 1}, "Extra inputs are not permitted"),
        (
            {"source": {"platform": "socrata", "domain": "x.org", "dataset_id": "nope"}},
            "dataset_id",
        ),
        ({"source": {"platform": "accela"}}, "does not match any of the expected tags"),
        ({"value_maps": {"status": {"Active": "alive"}}}, "Input should be 'applied'"),
        ({"patterns": {"permit_number": "("}}, "invalid regex"),
    ],
)
def test_invalid_entries_are_rejected_with_a_reason(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=None) as info:
        CatalogEntry.model_validate(minimal_entry(**override))
    assert message in str(info.value)


def test_field_spec_needs_exactly_one_origin() -> None:
    with pytest.raises(ValidationError, match="exactly one of source, template or value"):
        FieldSpec(source="a", value="b")
    assert FieldSpec(template="{BORO}{BLOCK:0>5}").source_fields() == ["BORO", "BLOCK"]


def test_bad_state_and_zone_are_named() -> None:
    bad = minimal_entry(
        jurisdiction={"slug": "x", "name": "X", "state": "ZZ", "timezone": "Mars/Olympus"}
    )
    with pytest.raises(ValidationError) as info:
        CatalogEntry.model_validate(bad)
    text = str(info.value)
    assert "'ZZ' is not a two-letter US state code" in text
    assert "'Mars/Olympus' is not an IANA time zone" in text
