"""Street addresses: standardized (USPS Publication 28) components and a per-building key.

The raw ``original_*`` fields stay as the jurisdiction sent them. The standardized ones come from
scourgify (usaddress + Pub 28 abbreviations), after a clean-up for what the recordings show:
address blocks with city/state/zip and a ``(lat, lng)`` line joined by newlines (Montgomery
County), runs of padding spaces (NYC BIS ``WEST   38 STREET``), and street types glued to the
name (Baltimore County ``REISTERSTOWNRD``). Nothing here raises: text that will not parse keeps
its raw fields and gets the ``address_unparsed`` flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import usaddress
from scourgify import normalize_address_record
from scourgify.exceptions import AddressNormalizationError

from permitdb.catalog.model import US_STATES, Jurisdiction

_COORDINATES = re.compile(r"\(\s*[-+]?\d+(?:\.\d+)?\s*,\s*[-+]?\d+(?:\.\d+)?\s*\)")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_SPACES = re.compile(r"\s+")
_HOUSE_NUMBER = re.compile(r"(\d[\dA-Z]*(?:-\d+[A-Z]?)?(?: \d/\d)?) (.+)")
_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")
# A street type glued to the name ("REISTERSTOWNRD"). Only types that no English word ends
# with after a consonant, so HOWARD, ORCHARD or PINEHURST are never split; ST and AVE are
# left alone for that reason.
_GLUED_TYPE = re.compile(r"\b([A-Z]{3,}[B-DF-HJ-NP-TV-Z])(RD|DR|LN|BLVD|PKWY|HWY)\b")
_CACHE_SIZE = 65_536


@dataclass(frozen=True, slots=True)
class StandardAddress:
    """The standardized parts of one address; all None when it did not parse."""

    street_number: str | None = None
    street_name: str | None = None
    unit: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    address_key: str | None = None
    parsed: bool = False


def standardize(
    address1: str | None,
    address2: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
    jurisdiction: Jurisdiction,
) -> StandardAddress:
    """Standardize a record's address; city/state/zip fall back to the text, then the place."""
    parsed = parse_street(address1, address2) if address1 else None
    parsed_city = parsed.city if parsed else None
    parsed_state = parsed.state if parsed else None
    parsed_zip = parsed.zip if parsed else None
    final_city = _city(city) or parsed_city or jurisdiction.city
    final_state = _state(state) or parsed_state or jurisdiction.state
    final_zip = _zip(zip_code) or parsed_zip
    if parsed is None or parsed.street_name is None:
        return StandardAddress(city=final_city, state=final_state, zip=final_zip)
    place = final_zip or (final_city.upper() if final_city else "")
    key = f"{parsed.street_number or ''} {parsed.street_name}".strip()
    return StandardAddress(
        street_number=parsed.street_number,
        street_name=parsed.street_name,
        unit=parsed.unit,
        address=parsed.address,
        city=final_city,
        state=final_state,
        zip=final_zip,
        address_key=f"{key}|{place}|{final_state}",
        parsed=True,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def parse_street(address1: str, address2: str | None = None) -> StandardAddress | None:
    """Parse one address text (cached: a dataset repeats its buildings). None if unparseable."""
    line = clean(address1)
    if address2 and (extra := clean(address2)):
        line = f"{line} {extra}"
    if not line:
        return None
    try:
        parts = normalize_address_record(line)
    except (AddressNormalizationError, usaddress.RepeatedLabelError):
        return None
    street_line = (parts.get("address_line_1") or "").strip()
    match = _HOUSE_NUMBER.fullmatch(street_line)
    if match is None:
        return None
    unit = (parts.get("address_line_2") or "").strip() or None
    return StandardAddress(
        street_number=match.group(1),
        street_name=match.group(2),
        unit=unit,
        address=f"{street_line} {unit}" if unit else street_line,
        city=_city(parts.get("city")),
        state=_state(parts.get("state")),
        zip=_zip(parts.get("postal_code")),
        parsed=True,
    )


def clean(text: str) -> str:
    """One upper-case line: coordinates dropped, lines joined by commas, glued types split."""
    text = _COORDINATES.sub(" ", text)
    text = ", ".join(part for part in _LINE_BREAKS.split(text.strip()) if part.strip(" ,"))
    text = _SPACES.sub(" ", text).strip(" ,").upper()
    return _GLUED_TYPE.sub(r"\1 \2", text)


def _city(text: str | None) -> str | None:
    text = _SPACES.sub(" ", text or "").strip(" ,")
    return text.title() if text else None


def _state(text: str | None) -> str | None:
    code = (text or "").strip().upper()
    return code if code in US_STATES else None


def _zip(text: str | None) -> str | None:
    match = _ZIP.match((text or "").strip())
    return match.group(1) if match else None
