"""Geo ids: one stable, readable, URL-safe name per place a permit is in (docs/places.md).

| type | id | built from |
|---|---|---|
| state | ``state-ca`` | the USPS code |
| county | ``county-06037`` | the five-digit county FIPS code |
| city | ``city-ca-los-angeles`` | state and the standardized city name, as a slug |
| zip | ``zip-90012`` | the five-digit ZIP code |
| jurisdiction | ``jurisdiction-los-angeles-ca`` | the catalog's jurisdiction slug |
| address | ``address-<16 hex>`` | a BLAKE2b digest of the permit's ``address_key`` |

Every id is built from a permit's stored, normalized columns, so the ids a permit carries, the
places table and the metrics rollups agree without a lookup, and they survive re-ingests. An
address id is a digest because an address key holds spaces and ``|``; the places table maps it
back to the address.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal, Protocol, get_args

GeoType = Literal["address", "city", "county", "jurisdiction", "state", "zip"]
GEO_TYPES: Final[tuple[GeoType, ...]] = get_args(GeoType)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_PATTERNS: Final[Mapping[str, re.Pattern[str]]] = {
    "state": re.compile(r"state-([a-z]{2})"),
    "county": re.compile(r"county-(\d{5})"),
    "city": re.compile(rf"city-([a-z]{{2}})-({_SLUG})"),
    "zip": re.compile(r"zip-(\d{5})"),
    "jurisdiction": re.compile(rf"jurisdiction-({_SLUG})"),
    "address": re.compile(r"address-([0-9a-f]{16})"),
}
# the longest id any type builds: a city slug of a long name, a long jurisdiction slug
MAX_LENGTH: Final = 120


@dataclass(frozen=True, slots=True)
class GeoId:
    """A parsed geo id: its type and the value it names (``CA``, ``06037``, ``los-angeles``…)."""

    type: GeoType
    value: str
    state: str | None = None  # for a city: its USPS state code


def slug(text: str) -> str:
    """Lower-case letters and digits joined by single dashes: ``St. Louis`` → ``st-louis``."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def state_id(state: str | None) -> str | None:
    return f"state-{state.lower()}" if state and len(state) == 2 and state.isalpha() else None


def county_id(county_fips: str | None) -> str | None:
    valid = county_fips is not None and len(county_fips) == 5 and county_fips.isdigit()
    return f"county-{county_fips}" if valid else None


def city_id(city: str | None, state: str | None) -> str | None:
    in_state = state_id(state)
    name = slug(city) if city else ""
    if in_state is None or not name:
        return None
    return f"city-{in_state.removeprefix('state-')}-{name}"[:MAX_LENGTH].rstrip("-")


def zip_id(zip_code: str | None) -> str | None:
    return f"zip-{zip_code}" if zip_code and len(zip_code) == 5 and zip_code.isdigit() else None


def jurisdiction_id(jurisdiction: str | None) -> str | None:
    name = slug(jurisdiction) if jurisdiction else ""
    return f"jurisdiction-{name}"[:MAX_LENGTH].rstrip("-") if name else None


def address_id(address_key: str | None) -> str | None:
    if not address_key:
        return None
    return "address-" + hashlib.blake2b(address_key.encode(), digest_size=8).hexdigest()


def geo_ids(
    *,
    address_key: str | None,
    city: str | None,
    county_fips: str | None,
    jurisdiction: str | None,
    state: str | None,
    zip_code: str | None,
) -> dict[GeoType, str | None]:
    """Every geo id of one permit's place, by type (None where the permit lacks the column)."""
    return {
        "address": address_id(address_key),
        "city": city_id(city, state),
        "county": county_id(county_fips),
        "jurisdiction": jurisdiction_id(jurisdiction),
        "state": state_id(state),
        "zip": zip_id(zip_code),
    }


class Placed(Protocol):
    """What a permit (a ``PermitRecord`` or a stored row) says of where it is."""

    address_key: str | None
    city: str | None
    county_fips: str | None
    jurisdiction: str
    state: str | None
    zip: str | None


def permit_geo_ids(permit: Placed) -> dict[GeoType, str | None]:
    """:func:`geo_ids` of one permit's own columns."""
    return geo_ids(
        address_key=permit.address_key,
        city=permit.city,
        county_fips=permit.county_fips,
        jurisdiction=permit.jurisdiction,
        state=permit.state,
        zip_code=permit.zip,
    )


def parse(geo_id: str) -> GeoId | None:
    """The type and value of a well-formed geo id (any case); None for anything else."""
    text = geo_id.strip().lower()
    if len(text) > MAX_LENGTH:
        return None
    kind = text.partition("-")[0]
    pattern = _PATTERNS.get(kind)
    match = pattern.fullmatch(text) if pattern is not None else None
    geo_type = next((t for t in GEO_TYPES if t == kind), None)
    if match is None or geo_type is None:
        return None
    if geo_type == "state":
        return GeoId("state", match[1].upper(), match[1].upper())
    if geo_type == "city":
        return GeoId("city", match[2], match[1].upper())
    return GeoId(geo_type, match[1])


def address_name(
    address: str | None, city: str | None, state: str | None, zip_code: str | None
) -> str | None:
    """An address in USPS notation: ``123 MAIN ST, AUSTIN, TX 78701``."""
    if not address:
        return None
    last_line = " ".join(part for part in (state, zip_code) if part)
    return ", ".join(part for part in (address, city, last_line) if part)


@cache
def _census_names() -> tuple[dict[str, str], dict[str, str]]:
    """(county FIPS → county name, USPS code → state name), from addfips' Census tables."""
    data = resources.files("addfips") / "data"
    with (data / "states.csv").open(encoding="utf-8") as states_file:
        states = {row["postal"]: row["name"] for row in csv.DictReader(states_file)}
    with (data / "counties_2020.csv").open(encoding="utf-8") as counties_file:
        counties = {
            row["statefp"] + row["countyfp"]: row["name"] for row in csv.DictReader(counties_file)
        }
    return counties, states


def county_name(county_fips: str) -> str | None:
    """The Census name of a county: ``06037`` → ``Los Angeles County``."""
    return _census_names()[0].get(county_fips)


def state_name(state: str) -> str | None:
    """The full name of a state by USPS code: ``CA`` → ``California``."""
    return _census_names()[1].get(state.upper())
