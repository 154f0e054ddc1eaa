"""docs/schema.md documents every canonical field, and says truthfully who fills it.

Each record kind has its own top-level section: the permit record first, then
``# Contractor licences`` and ``# Parcels``; a field's row is checked against its own kind's record.
"""

import dataclasses
import re
from pathlib import Path

import pytest

from permitdb.canonical import (
    DERIVED_FIELDS,
    LICENSE_MAPPABLE,
    MAPPABLE_FIELDS,
    PARCEL_MAPPABLE,
    LicenseRecord,
    ParcelRecord,
    PermitRecord,
)

SCHEMA_DOC = Path(__file__).parents[1] / "docs" / "schema.md"
ROW = re.compile(r"^\| `(\w+)` \| [^|]+ \| (map|derived|store) \|", re.MULTILINE)
KINDS = {
    "The canonical permit record": (PermitRecord, MAPPABLE_FIELDS),
    "Contractor licences": (LicenseRecord, LICENSE_MAPPABLE),
    "Parcels": (ParcelRecord, PARCEL_MAPPABLE),
}


def sections() -> dict[str, str]:
    """Top-level heading (without a trailing ``(`table`)``) -> its text."""
    parts = re.split(r"^# (.+)$", SCHEMA_DOC.read_text(), flags=re.MULTILINE)
    return {
        re.sub(r" \(`\w+`\)$", "", title): body
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def documented_rows(section: str) -> dict[str, str]:
    return dict(ROW.findall(sections()[section]))


@pytest.mark.parametrize("section", sorted(KINDS))
def test_every_field_has_a_row(section: str) -> None:
    record, _ = KINDS[section]
    fields = {f.name for f in dataclasses.fields(record)}
    rows = documented_rows(section)
    assert sorted(fields - rows.keys()) == []
    assert sorted(rows.keys() - fields) == []


def test_permit_filled_by_matches_the_catalog_contract() -> None:
    for name, filled_by in documented_rows("The canonical permit record").items():
        if filled_by == "map":
            assert name in MAPPABLE_FIELDS, name
        else:
            assert name in DERIVED_FIELDS, name


@pytest.mark.parametrize("section", ["Contractor licences", "Parcels"])
def test_record_filled_by_matches_the_catalog_contract(section: str) -> None:
    _, mappable = KINDS[section]
    for name, filled_by in documented_rows(section).items():
        assert (filled_by == "map") == (name in mappable), name
