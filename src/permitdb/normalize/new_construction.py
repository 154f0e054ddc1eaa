"""Which raw rows of a ``new_construction_parcel`` dataset are records at all.

An assessor roll lists every parcel; the dataset is only the parcels with a recently built
structure (catalog ``parcels``): built within ``recent_years`` of the roll's own year when the
entry names its roll-year field, else of the fetch year. An older row is not malformed, so it
is not rejected into the quarantine (which would then hold nearly the whole roll on every
sync): it is skipped, the way a portal's server-side filter would have left it out. A year
built that is missing, zero (the rolls' "unknown") or not a year is not evidence of a recent
building, so that row is skipped too: "unknown" beats a guess.

The other half of the definition, "no permit behind it", needs the permits of every dataset
and is a query-time condition in the store (``store.new_construction``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from permitdb.catalog.model import CatalogEntry, Parcels

# "2019", and "2019.0" as assessor files converted from R or pandas spell integer columns
_YEAR: Final = re.compile(r"^\s*(\d{4})(?:\.0*)?\s*$")


def built_since(parcels: Parcels, fetched_at: datetime, roll_year: int | None = None) -> int:
    """The earliest year built that counts as recent for a roll of ``roll_year`` (when the
    entry names one) or else a fetch at ``fetched_at``."""
    if parcels.since_year is not None:
        return parcels.since_year
    assert parcels.recent_years is not None  # the catalog model requires one of the two
    return (roll_year or fetched_at.year) - parcels.recent_years


def year_built(value: Any) -> int | None:
    """The year in a year-built cell, or None when the cell holds no plausible year."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    match = _YEAR.match(value) if isinstance(value, str) else None
    year = int(match.group(1)) if match else None
    return year if year is not None and year > 0 else None


def is_record(entry: CatalogEntry, raw: Mapping[str, Any], *, fetched_at: datetime) -> bool:
    """False for a row the dataset's definition leaves out; True for every other dataset."""
    if entry.parcels is None:
        return True
    parcels = entry.parcels
    year = year_built(raw.get(parcels.year_built))
    # a row whose roll year cannot be read is measured from the fetch, as without roll_year
    roll = year_built(raw.get(parcels.roll_year)) if parcels.roll_year else None
    return year is not None and year >= built_since(parcels, fetched_at, roll)
