"""ZIP code -> USPS city, state and county FIPS, from tables shipped inside two packages.

``zipcodes`` carries the USPS ZIP list (city, state, county name) and ``addfips`` the Census
county names with their FIPS codes; both are read from the installed package, never fetched.
``lookup`` is the ``zip_lookup`` that ``addresses.standardize`` takes.
"""

from __future__ import annotations

from functools import cache, lru_cache

import zipcodes
from addfips import AddFIPS

from permitdb.normalize.addresses import ZipPlace

# The ZIP table names no county for the District of Columbia, its own county-equivalent.
_STATE_WIDE_COUNTY = {"DC": "District of Columbia"}
_CACHE_SIZE = 65_536


@lru_cache(maxsize=_CACHE_SIZE)
def lookup(zip_code: str) -> ZipPlace | None:
    """The USPS city, state and county FIPS of a five-digit ZIP; None for an unknown ZIP."""
    try:
        matches = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    except ValueError:  # not shaped like a ZIP
        return None
    # A retired ZIP is still what an old permit says: use it if no active entry exists.
    entry = next((m for m in matches if m.get("active")), matches[0] if matches else None)
    if entry is None or not entry.get("city") or not entry.get("state"):
        return None
    state = str(entry["state"])
    county = entry.get("county") or _STATE_WIDE_COUNTY.get(state)
    fips = _fips().get_county_fips(county, state=state) if county else None
    return ZipPlace(city=str(entry["city"]), state=state, county_fips=str(fips) if fips else None)


@cache
def _fips() -> AddFIPS:
    return AddFIPS()


def county_fips(name: str, state: str) -> str | None:
    """The 5-digit FIPS of a county named in ``state`` ("Travis", "travis county"), or None."""
    fips = _fips().get_county_fips(name, state=state)
    return str(fips) if fips else None
