"""Which source fields a catalog entry reads: what a portal must keep publishing for it.

The schema contract (``ingest.contract``) checks pages against it, and a connector whose
portal describes its fields (an ArcGIS layer) checks the description before the first page.
"""

from __future__ import annotations

from permitdb.catalog.model import CatalogEntry


def mapped_fields(entry: CatalogEntry) -> dict[str, list[str]]:
    """Source field -> the catalog keys that read it (field map, primary key, cursor)."""
    readers: dict[str, list[str]] = {}
    for target, spec in entry.field_specs().items():
        for name in spec.source_fields():
            readers.setdefault(name, []).append(f"fields.{target}")
    for name in entry.primary_key or []:
        readers.setdefault(name, []).append("primary_key")
    if entry.cursor is not None:
        readers.setdefault(entry.cursor.field, []).append("cursor.field")
    return readers
