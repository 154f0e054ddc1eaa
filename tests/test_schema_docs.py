"""docs/schema.md documents every canonical field, and says truthfully who fills it."""

import dataclasses
import re
from pathlib import Path

from permitdb.canonical import (
    DERIVED_FIELDS,
    MAPPABLE_FIELDS,
    PARCEL_MAPPABLE,
    ParcelRecord,
    PermitRecord,
)

SCHEMA_DOC = Path(__file__).parents[1] / "docs" / "schema.md"
ROW = re.compile(r"^\| `(\w+)` \| [^|]+ \| (map|derived|store) \|", re.MULTILINE)


def documented_rows() -> dict[str, str]:
    return dict(ROW.findall(SCHEMA_DOC.read_text()))


def test_every_field_has_a_row() -> None:
    fields = {f.name for f in dataclasses.fields(PermitRecord)}
    rows = documented_rows()
    assert sorted(fields - rows.keys()) == []
    assert sorted(rows.keys() - fields) == []


def test_filled_by_matches_the_catalog_contract() -> None:
    for name, filled_by in documented_rows().items():
        if filled_by == "map":
            assert name in MAPPABLE_FIELDS, name
        else:
            assert name in DERIVED_FIELDS, name


PARCEL_ROW = re.compile(r"^\| `(\w+)` \| (field map|normalize|the store) \|", re.MULTILINE)


def test_every_parcel_field_has_a_row_saying_who_fills_it() -> None:
    section = SCHEMA_DOC.read_text().split("## Parcels (", 1)[1].split("\n## ", 1)[0]
    rows = dict(PARCEL_ROW.findall(section))
    assert list(rows) == [f.name for f in dataclasses.fields(ParcelRecord)]
    for name, filled_by in rows.items():
        assert (filled_by == "field map") == (name in PARCEL_MAPPABLE), name
