"""services.exports: the documented column order, and how the pages of a search are walked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from permitdb.api.schemas.permits import permit_json
from permitdb.canonical import FIELD_NAMES
from permitdb.services.exports import (
    EXPORT_COLUMNS,
    NOT_EXPORTED,
    PARQUET_TYPES,
    export_permits,
    iter_pages,
)
from permitdb.store.engine import create_engine_for
from permitdb.store.permits import PermitQuery

SCHEMA_DOC = Path(__file__).parents[2] / "docs" / "schema.md"
EXPORT_ROW = re.compile(r"^\| (\d+) \| `(\w+)` \| [^|]+ \| `([^`]+)` \|$", re.MULTILINE)


def test_docs_list_the_export_columns_in_order_with_their_types() -> None:
    section = SCHEMA_DOC.read_text().split("## Export columns", 1)[1]
    documented = [(int(n), name, parquet) for n, name, parquet in EXPORT_ROW.findall(section)]
    expected = [
        (n, column.name, str(PARQUET_TYPES[column.kind]))
        for n, column in enumerate(EXPORT_COLUMNS, 1)
    ]
    assert documented == expected


def test_every_canonical_field_is_a_column_or_left_out_on_purpose() -> None:
    names = [column.name for column in EXPORT_COLUMNS]
    assert len(names) == len(set(names))
    assert set(names) | NOT_EXPORTED == set(FIELD_NAMES)
    assert not set(names) & NOT_EXPORTED


def test_nothing_stored_is_one_empty_page(engine: Engine) -> None:
    assert list(iter_pages(engine, PermitQuery(), page_size=2)) == [[]]


def test_an_unreadable_database_fails_before_any_byte(tmp_path: Path) -> None:
    # No migrations: the permits table does not exist. The caller learns it from the call
    # itself, while it can still answer with an error instead of a cut-off download.
    engine = create_engine_for(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(OperationalError):
        export_permits(
            engine, PermitQuery(), "csv", permit_json=lambda r: permit_json(r, include_raw=False)
        )
    engine.dispose()
