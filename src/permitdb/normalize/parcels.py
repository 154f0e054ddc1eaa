"""One raw assessor-roll or tax-lot row -> one canonical ``ParcelRecord``, or ``RecordRejected``.

The same steps as a permit's, in the same order: map fields (which may reject), then derive
what the fields imply: the parcel key permits join on, the standardized address, the checked
point, the property type from the land-use code (the entry's ``value_maps.property_type``, by
the code or its category; unmapped is ``unknown``), the owner type from the owner's name, and
last the content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import orjson

from permitdb.canonical import PARCEL_FIELD_NAMES, ParcelRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.normalize.geo import place
from permitdb.normalize.owners import owner_type
from permitdb.normalize.parcel_keys import parcel_key
from permitdb.normalize.record import fill_street_address, identified_fields, storable
from permitdb.normalize.rulefiles import catalog_lookup
from permitdb.vocabulary import PropertyType, QualityFlag

# Store-managed or self-referential: a re-fetch of an unchanged row must hash the same.
_UNHASHED: Final = frozenset({"fetched_at", "first_seen_at", "updated_at", "content_hash"})
_HASHED_FIELDS: Final = tuple(name for name in PARCEL_FIELD_NAMES if name not in _UNHASHED)


def normalize_parcel(
    entry: CatalogEntry, raw: Mapping[str, Any], *, fetched_at: datetime
) -> ParcelRecord:
    """Normalize ``raw`` (as the assessor published it) with ``entry``'s field map."""
    record = ParcelRecord(**identified_fields(entry, raw))
    record.parcel_key = parcel_key(record.parcel_id)
    flags = fill_street_address(record, entry.jurisdiction)
    flags += _location(record, entry)
    record.property_type = property_type(entry, record.land_use_raw)
    if record.year_built is not None and record.year_built <= 0:
        record.year_built = None  # the rolls' "unknown"
    record.owner_type = owner_type(record.owner_name)
    if record.market_value is None and None not in (record.land_value, record.improvement_value):
        # a roll that values land and building apart: its market value is their sum
        record.market_value = record.land_value + record.improvement_value  # type: ignore[operator]
    record.quality_flags = flags
    record.fetched_at = fetched_at
    record.raw = storable(raw)
    record.content_hash = _content_hash(record)
    return record


def property_type(entry: CatalogEntry, code: str | None) -> PropertyType:
    """The property type of a land-use or class code: the code's own value map entry, else its
    category's, the longest leading part that has one (NYC's ``A5`` is an ``A``, one-family
    dwelling), else ``unknown``."""
    for end in range(len(code or ""), 0, -1):
        found = catalog_lookup(entry.value_maps.property_type, (code or "")[:end])
        if found is not None:
            return found
    return "unknown"


def _location(record: ParcelRecord, entry: CatalogEntry) -> list[QualityFlag]:
    placement = place(record.latitude, record.longitude, entry.jurisdiction.state)
    record.latitude = placement.latitude
    record.longitude = placement.longitude
    # a roll that publishes no points is not a defect of its rows
    return [flag for flag in placement.flags if flag != "geo_missing"]


def _content_hash(record: ParcelRecord) -> str:
    content = {name: getattr(record, name) for name in _HASHED_FIELDS}
    encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(encoded).hexdigest()
