"""Test support: the replay portal (``portal``) and throwaway catalog entries for tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from permitdb.catalog.model import CatalogEntry

PLACEHOLDER_JURISDICTION: dict[str, str] = {
    "slug": "test-city-tx",
    "name": "Test City",
    "state": "TX",
    "timezone": "America/Chicago",
}


def entry_for(source: Mapping[str, Any], recording: str, **overrides: Any) -> CatalogEntry:
    """A catalog entry reading ``source``, replayed from ``recording`` (under ``recordings/``).

    For tests of connectors and the portal, which need an endpoint and a recording but no
    field map; ``overrides`` sets any other key (``page_size``, ``cursor``, ...).
    """
    document: dict[str, Any] = {
        "dataset": "test-dataset",
        "name": "Test dataset",
        "jurisdiction": PLACEHOLDER_JURISDICTION,
        "source": dict(source),
        "fields": {},
        "recording": {"path": recording},
        **overrides,
    }
    return CatalogEntry.model_validate(document)
