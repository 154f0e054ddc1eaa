"""The canonical records, one per catalog record kind (docs/schema.md).

A catalog entry's ``kind`` says which record its field map fills: ``permits`` (permits,
certificates of occupancy, new-construction parcels), ``contractor_licenses`` or ``parcels``.
Each record is a dataclass with one table column per field; ``MAPPABLE_BY_KIND`` is what a
field map of each kind may name.
"""

from __future__ import annotations

from typing import Final

from permitdb.canonical.licenses import LICENSE_FIELD_NAMES as LICENSE_FIELD_NAMES
from permitdb.canonical.licenses import LICENSE_MAPPABLE as LICENSE_MAPPABLE
from permitdb.canonical.licenses import LicenseRecord as LicenseRecord
from permitdb.canonical.parcels import PARCEL_FIELD_NAMES as PARCEL_FIELD_NAMES
from permitdb.canonical.parcels import PARCEL_MAPPABLE as PARCEL_MAPPABLE
from permitdb.canonical.parcels import ParcelRecord as ParcelRecord
from permitdb.canonical.permits import DERIVED_FIELDS as DERIVED_FIELDS
from permitdb.canonical.permits import FIELD_NAMES as FIELD_NAMES
from permitdb.canonical.permits import MAPPABLE_FIELDS as MAPPABLE_FIELDS
from permitdb.canonical.permits import PermitRecord as PermitRecord
from permitdb.vocabulary import RecordKind

MAPPABLE_BY_KIND: Final[dict[RecordKind, frozenset[str]]] = {
    "permits": MAPPABLE_FIELDS,
    "contractor_licenses": LICENSE_MAPPABLE,
    "parcels": PARCEL_MAPPABLE,
}
