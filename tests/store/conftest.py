"""Store fixtures: the datasets the permit rows of these tests belong to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.store.datasets import register_datasets

REGISTERED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def catalog_entry(
    jurisdiction: str = "austin-tx",
    dataset: str = "issued-construction-permits",
    **overrides: Any,
) -> CatalogEntry:
    name, state = {"austin-tx": ("Austin", "TX"), "chicago-il": ("Chicago", "IL")}[jurisdiction]
    entry: dict[str, Any] = {
        "dataset": dataset,
        "name": dataset.replace("-", " ").capitalize(),
        "jurisdiction": {
            "slug": jurisdiction,
            "name": name,
            "state": state,
            "timezone": "America/Chicago",
        },
        "source": {"platform": "socrata", "domain": "data.example.gov", "dataset_id": "abcd-1234"},
        "primary_key": ["permit_number"],
        "fields": {"permit_number": "permit_number"},
        "recording": {"path": f"socrata/{jurisdiction}/{dataset}.json"},
    }
    entry.update(overrides)
    return CatalogEntry.model_validate(entry)


def source_url(entry: CatalogEntry) -> str:
    return f"https://data.example.gov/d/{entry.dataset}"


@pytest.fixture
def register_dataset(engine: Engine) -> Callable[..., CatalogEntry]:
    """``register_dataset(jurisdiction, dataset, **catalog_overrides)``: a registered entry."""

    def register(*args: str, **overrides: Any) -> CatalogEntry:
        entry = catalog_entry(*args, **overrides)
        with engine.begin() as conn:
            register_datasets(conn, [entry], now=REGISTERED_AT, source_url_for=source_url)
        return entry

    return register


@pytest.fixture
def austin(register_dataset: Callable[..., CatalogEntry]) -> CatalogEntry:
    """The dataset ``make_record``'s records belong to, registered."""
    return register_dataset()
