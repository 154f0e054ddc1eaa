"""One raw licence-board row -> one canonical ``LicenseRecord``, or ``RecordRejected``.

The same steps as a permit (``normalize.record``): map fields (which may reject), then derive
from what was mapped: the licence key and state, the status and the classification labels
through the catalog's value maps, the standardized address, the phone, the quality flags, and
last the content hash. Identity, the raw record and the rejects work exactly as for permits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import orjson

from permitdb.canonical import LICENSE_FIELD_NAMES, LicenseRecord
from permitdb.catalog.model import CatalogEntry, ValueMaps
from permitdb.normalize.contractors import license_key
from permitdb.normalize.converters import to_phone
from permitdb.normalize.dates import zone
from permitdb.normalize.quality import dates_out_of_range
from permitdb.normalize.record import fill_address, identified_fields, storable
from permitdb.normalize.rulefiles import catalog_lookup, value_key
from permitdb.vocabulary import LICENSE_STATUSES, LicenseStatus

# Store-managed or self-referential: a re-fetch of an unchanged row must hash the same.
_UNHASHED: Final = frozenset({"fetched_at", "first_seen_at", "updated_at", "content_hash"})
_HASHED_FIELDS: Final = tuple(name for name in LICENSE_FIELD_NAMES if name not in _UNHASHED)
# Boards list several classifications in one cell: CSLB "B| C10", joined fields "01 | CB".
_CODE_SEPARATOR: Final = re.compile(r"\s*[|;]\s*")
_DATE_FIELDS: Final = (
    "issued_date",
    "effective_date",
    "expires_date",
    "inactive_date",
    "bond_expires_date",
    "insurance_expires_date",
    "workers_comp_expires_date",
)


def normalize_license(
    entry: CatalogEntry, raw: Mapping[str, Any], *, fetched_at: datetime
) -> LicenseRecord:
    """Normalize ``raw`` (as the board published it) with ``entry``'s maps and the rules."""
    record = LicenseRecord(**identified_fields(entry, raw))
    record.license_key = license_key(record.license_number)
    record.license_state = entry.jurisdiction.state
    record.status = license_status(record.status_raw, entry.value_maps)
    today = fetched_at.astimezone(zone(entry.jurisdiction.timezone)).date()  # the board's day
    if record.status == "active" and record.expires_date and record.expires_date < today:
        record.status = "expired"  # a board's "clear" does not outlive the licence's term
    record.classifications = classification_labels(record.classifications_raw, entry.value_maps)
    record.phone = to_phone(record.phone) if record.phone else None
    flags = fill_address(record, entry.jurisdiction)
    flags += dates_out_of_range({name: getattr(record, name) for name in _DATE_FIELDS}, fetched_at)
    if record.issued_date and record.expires_date and record.expires_date < record.issued_date:
        flags.append("date_order")
    record.quality_flags = flags
    record.fetched_at = fetched_at
    record.raw = storable(raw)
    record.content_hash = content_hash(record)
    return record


def license_status(status_raw: str | None, maps: ValueMaps) -> LicenseStatus:
    """The catalog's ``license_status`` map first; a raw word that is itself a status
    (``ACTIVE``, ``Expired``) next; else ``unknown``."""
    if status_raw is None:
        return "unknown"
    mapped = catalog_lookup(maps.license_status, status_raw)
    if mapped is not None:
        return mapped
    word = value_key(status_raw)
    return word if word in LICENSE_STATUSES else "unknown"  # type: ignore[return-value]


def classification_labels(codes: str | None, maps: ValueMaps) -> list[str]:
    """Each code's label (``license_classification``), in the board's order, once each; a
    code the map does not name is served as published rather than dropped."""
    labels: list[str] = []
    for code in _CODE_SEPARATOR.split(codes.strip()) if codes else ():
        if not code:
            continue
        label = catalog_lookup(maps.license_classification, code) or code
        if label not in labels:
            labels.append(label)
    return labels


def content_hash(record: LicenseRecord) -> str:
    """sha256 of the normalized content, store-managed timestamps excluded."""
    content = {name: getattr(record, name) for name in _HASHED_FIELDS}
    encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(encoded).hexdigest()
