"""Session fixtures for the normalize tests (the Austin catalog entry and recording)."""

from __future__ import annotations

from typing import Any

import pytest
from normalize_fixtures import AUSTIN, entry_from, load_recording

from permitdb.catalog.model import CatalogEntry


@pytest.fixture(scope="session")
def austin_entry() -> CatalogEntry:
    return entry_from(AUSTIN)


@pytest.fixture(scope="session")
def austin_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = load_recording(
        "socrata/austin-tx/issued-construction-permits.json"
    )
    return rows
