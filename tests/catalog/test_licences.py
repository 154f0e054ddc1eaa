"""Every bundled dataset says which terms its data is published under."""

from __future__ import annotations

from permitdb.catalog.load import load_catalog


def test_every_bundled_dataset_has_a_licence() -> None:
    entries = load_catalog(())
    assert entries
    missing = [entry.slug for entry in entries if entry.licence is None]
    assert missing == []
