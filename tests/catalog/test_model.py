"""The catalog model accepts what docs/catalog-reference.md documents and nothing else."""

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from permitdb import canonical
from permitdb.canonical import MAPPABLE_FIELDS
from permitdb.catalog.check import BLDS_FIELDS, coverage
from permitdb.catalog.load import problems_of
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
        (
            {"fields": {"permit_numbr": "x"}},
            "not mappable fields of a permits record: ['permit_numbr']",
        ),
        ({"fields": {"status": "x"}}, "not mappable fields of a permits record: ['status']"),
        ({"surprise": 1}, "Extra inputs are not permitted"),
        (
            {"source": {"platform": "socrata", "domain": "x.org", "dataset_id": "nope"}},
            "dataset_id",
        ),
        ({"source": {"platform": "accela"}}, "does not match any of the expected tags"),
        ({"value_maps": {"status": {"Active": "alive"}}}, "Input should be 'applied'"),
        ({"patterns": {"permit_number": "("}}, "invalid regex"),
        (
            {
                "source": {
                    "platform": "file",
                    "url": "x.csv",
                    "format": "csv",
                    "encoding": "klingon",
                }
            },
            "unknown encoding 'klingon'",
        ),
        (
            {"source": {"platform": "file", "url": "x.csv", "format": "csv", "encoding": "utf-16"}},
            "'utf-16' is not ASCII-compatible",
        ),
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


# (case id, overrides of minimal_entry, the exact problems catalog.load reports)
INVALID_EXAMPLES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "unknown-top-level-key",
        {"surprise": 1},
        [
            "surprise: unknown key; remove it or fix its spelling (every key is in "
            "docs/catalog-reference.md)"
        ],
    ),
    (
        "unknown-canonical-field",
        {"fields": {"permit_numbr": "x"}},
        [
            "fields: not mappable fields of a permits record: ['permit_numbr'] "
            "(see docs/schema.md and docs/catalog-reference.md)"
        ],
    ),
    (
        "bad-converter",
        {"fields": {"issued_date": {"source": "x", "convert": "dat"}}},
        [
            "fields.issued_date.convert: Input should be 'text', 'upper', 'date', 'datetime', "
            "'money', 'integer', 'number', 'phone', 'point', 'url' or 'boolean'"
        ],
    ),
    (
        "two-origins",
        {"fields": {"issued_date": {"source": "x", "value": "y"}}},
        ["fields.issued_date: give exactly one of source, template or value"],
    ),
    (
        "short-form-must-be-text",
        {"fields": {"issued_date": 5}},
        [
            "fields.issued_date: Input should be a valid string or a valid dictionary or "
            "instance of FieldSpec"
        ],
    ),
    (
        "bad-dataset-id",
        {"source": {"platform": "socrata", "domain": "x.org", "dataset_id": "nope"}},
        ["source.dataset_id: String should match pattern '^[a-z0-9]{4}-[a-z0-9]{4}$'"],
    ),
    (
        "unknown-platform",
        {"source": {"platform": "accela"}},
        [
            "source: Input tag 'accela' found using 'platform' does not match any of the "
            "expected tags: 'socrata', 'arcgis', 'ckan', 'carto', 'file'"
        ],
    ),
    (
        "status-outside-vocabulary",
        {"value_maps": {"status": {"Active": "alive"}}},
        [
            "value_maps.status.Active: Input should be 'applied', 'in_review', 'issued', "
            "'inspection', 'finaled', 'expired', 'cancelled', 'revoked', 'denied', 'on_hold' "
            "or 'unknown'"
        ],
    ),
    (
        "missing-key",
        {"recording": {}},
        ["recording.path: required key is missing; add it (see docs/catalog-reference.md)"],
    ),
    (
        "empty-primary-key",
        {"primary_key": []},
        ["primary_key: List should have at least 1 item after validation, not 0"],
    ),
]

VALID_EXAMPLES: list[tuple[str, dict[str, Any]]] = [
    ("no-primary-key", {"primary_key": None}),
    ("template", {"fields": {"parcel_id": {"template": "{BORO}{BLOCK:0>5}{LOT:0>4}"}}}),
    ("constant", {"fields": {"permit_class": {"value": "Residential"}}}),
    ("joined-sources", {"fields": {"owner_name": {"source": ["first", "last"], "join": " "}}}),
    ("location", {"fields": {"location": {"source": "@geometry", "convert": "point"}}}),
    ("cursor", {"cursor": {"field": ":updated_at", "kind": "datetime", "lag_seconds": 60}}),
    (
        "arcgis",
        {
            "source": {
                "platform": "arcgis",
                "layer_url": "https://x.org/arcgis/rest/services/P/FeatureServer/3",
            }
        },
    ),
    (
        "ckan",
        {"source": {"platform": "ckan", "base_url": "https://data.x.gov", "resource_id": "r"}},
    ),
    ("carto", {"source": {"platform": "carto", "base_url": "https://x.carto.com", "table": "t"}}),
    ("file", {"source": {"platform": "file", "url": "permits.csv", "format": "csv"}}),
    ("value-maps", {"value_maps": {"status": {"Final": "finaled"}, "tags": {"Roof": ["roofing"]}}}),
]


@pytest.mark.parametrize(
    ("override", "problems"),
    [pytest.param(o, p, id=name) for name, o, p in INVALID_EXAMPLES],
)
def test_invalid_examples_report_exact_problems(
    override: dict[str, Any], problems: list[str]
) -> None:
    with pytest.raises(ValidationError) as info:
        CatalogEntry.model_validate(minimal_entry(**override))
    assert problems_of(info.value) == problems


@pytest.mark.parametrize("override", [pytest.param(o, id=name) for name, o in VALID_EXAMPLES])
def test_valid_examples_validate(override: dict[str, Any]) -> None:
    CatalogEntry.model_validate(minimal_entry(**override))


def test_blds_checklist_matches_the_canonical_comments() -> None:
    text = Path(canonical.permits.__file__).read_text(encoding="utf-8")
    commented = dict(re.findall(r"^    (\w+): .*# BLDS (\w+)", text, flags=re.MULTILINE))
    mappable = {name: blds for name, blds in commented.items() if name in MAPPABLE_FIELDS}
    assert mappable == BLDS_FIELDS


def test_coverage_counts_location_as_both_coordinates() -> None:
    entry = CatalogEntry.model_validate(
        minimal_entry(fields={"permit_number": "n", "location": "@geometry"})
    )
    report = coverage(entry)
    assert report.filled == ["latitude", "longitude", "permit_number"]
    assert "permit_number" not in report.blds_missing
    assert "issued_date" in report.blds_missing
    assert report.platform == "socrata"
    assert report.record_class == "permit"
