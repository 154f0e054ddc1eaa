"""Street addresses: standardized (USPS Publication 28) components and a per-building key.

The raw ``original_*`` fields stay as the jurisdiction sent them. The standardized ones come from
usaddress's token labels, rebuilt here with the Pub 28 tables of scourgify and
``rules/addresses.yaml``: scourgify's own formatter abbreviates every word that looks like a
street type (``BEACH 129 STREET`` -> ``BCH``) and gives up on Queens house numbers, so only its
tables are used. What the recordings show and this handles: address blocks with city/state/zip
and a ``(lat, lng)`` line joined by newlines (Socrata location text, or the location object's
``human_address``), runs of padding spaces (NYC BIS ``WEST   38 STREET``), street types glued to
the name (``REISTERSTOWNRD``), house numbers with Queens hyphens (``131-02A``), ranges and glued
junk (``91-57GAR``), numbered streets without their ordinal (``40 ROAD``), and unit text in
every spelling (``UNIT FLR30``, ``32nd Floor``, ``#2309``, ``G510``). Nothing here raises: text
that will not parse keeps its raw fields and gets the ``address_unparsed`` flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import orjson
import usaddress
from scourgify.address_constants import DIRECTIONAL_REPLACEMENTS, STREET_TYPE_ABBREVIATIONS

from permitdb.catalog.model import US_STATES, Jurisdiction
from permitdb.normalize.rulefiles import load_rule_file

_COORDINATES = re.compile(r"\(\s*[-+]?\d+(?:\.\d+)?\s*,\s*[-+]?\d+(?:\.\d+)?\s*\)")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_SPACES = re.compile(r"\s+")
# House number: digits with an optional letter, a Queens hyphen or range part, a fraction. A
# longer run of letters glued to it ("91-57GAR": garage) is not part of the number.
_HOUSE_NUMBER = re.compile(
    r"(?P<number>\d+(?:[A-Z](?![A-Z]))?(?:\s?-\s?\d+(?:[A-Z](?![A-Z]))?)?(?: \d/\d)?)"
    r"(?P<junk>[A-Z]{2,})?[ ,]+(?P<rest>.+)"
)
_DASH = re.compile(r"\s*-\s*")
_ORDINAL_SUFFIX = re.compile(r"\d+(?:ST|ND|RD|TH)")
_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")
# A street type glued to the name ("REISTERSTOWNRD"). Only types that no English word ends
# with after a consonant, so HOWARD, ORCHARD or PINEHURST are never split; ST and AVE are
# left alone for that reason.
_GLUED_TYPE = re.compile(r"\b([A-Z]{3,}[B-DF-HJ-NP-TV-Z])(RD|DR|LN|BLVD|PKWY|HWY)\b")
_UNIT_LIST = re.compile(r"[,&/;]| AND | THRU | THROUGH ")
_UNIT_ID = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
# usaddress sees a plain number more reliably than a Queens or lettered one: the street part
# is tagged behind this stand-in and the real number is put back.
_STAND_IN_NUMBER = "1"
_UNIT_LABELS = frozenset(
    {"OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier"}
)
_CACHE_SIZE = 65_536


@dataclass(frozen=True, slots=True)
class ZipPlace:
    """What the USPS ZIP table says about one five-digit ZIP (``normalize.zipcodes.lookup``)."""

    city: str
    state: str
    county_fips: str | None


ZipLookup = Callable[[str], ZipPlace | None]


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
    county_fips: str | None = None
    address_key: str | None = None
    parsed: bool = False


def standardize(
    address1: str | None,
    address2: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
    jurisdiction: Jurisdiction,
    zip_lookup: ZipLookup | None = None,
) -> StandardAddress:
    """Standardize a record's address.

    City, state and ZIP come from their own fields, else the address text, else (city and
    state) the USPS table for the ZIP when ``zip_lookup`` is given, else the jurisdiction.
    The county is the ZIP's (None without ``zip_lookup``: the caller falls back to the
    jurisdiction's).
    """
    parsed = parse_street(address1) if address1 else None
    final_zip = _zip(zip_code) or (parsed.zip if parsed else None)
    usps = zip_lookup(final_zip) if zip_lookup and final_zip else None
    final_state = (
        _state(state)
        or (parsed.state if parsed else None)
        or (usps.state if usps else None)
        or jurisdiction.state
    )
    text_city = _city(city) or (parsed.city if parsed else None)
    if text_city:
        final_city: str | None = _city_alias(text_city, final_state)
    else:
        final_city = usps.city if usps else jurisdiction.city
    county = usps.county_fips if usps else None
    if parsed is None or parsed.street_name is None:
        return StandardAddress(
            city=final_city, state=final_state, zip=final_zip, county_fips=county
        )
    unit = parsed.unit or (parse_unit(address2) if address2 else None)
    street = f"{parsed.street_number} {parsed.street_name}"
    place = final_zip or (final_city.upper() if final_city else "")
    return StandardAddress(
        street_number=parsed.street_number,
        street_name=parsed.street_name,
        unit=unit,
        address=f"{street} {unit}" if unit else street,
        city=final_city,
        state=final_state,
        zip=final_zip,
        county_fips=county,
        address_key=f"{street}|{place}|{final_state}",
        parsed=True,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def parse_street(text: str) -> StandardAddress | None:
    """Parse one address line or block (cached: a dataset repeats its buildings).

    None when there is no house number followed by a street.
    """
    match = _HOUSE_NUMBER.fullmatch(clean(text))
    # "1ST AVE" starts with a street, not a house number.
    if match is None or _ORDINAL_SUFFIX.fullmatch(match["number"] + (match["junk"] or "")):
        return None
    street = _street_part(match.group("rest"))
    if street is None:
        return None
    number = _DASH.sub("-", match.group("number"))
    street_line = f"{number} {street.street_name}"
    return StandardAddress(
        street_number=number,
        street_name=street.street_name,
        unit=street.unit,
        address=f"{street_line} {street.unit}" if street.unit else street_line,
        city=street.city,
        state=street.state,
        zip=street.zip,
        parsed=True,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _street_part(rest: str) -> StandardAddress | None:
    """Everything after the house number, tagged by usaddress (no street_number or address).

    Cached apart from ``parse_street``: usaddress is the costliest step of normalizing, sees
    only the stand-in number, and a street's houses share this part, so a dataset has far
    fewer distinct streets than addresses.
    """
    groups: dict[str, list[str]] = {}
    unit: list[str] = []
    for token, label in usaddress.parse(f"{_STAND_IN_NUMBER} {rest}")[1:]:
        word = token.strip(",;.")
        if not word:
            continue
        if label in _UNIT_LABELS:
            unit.append(word)
        else:
            groups.setdefault(label, []).append(word)
    name = _street_name(groups)
    if not name:
        return None
    state = _state(" ".join(groups.get("StateName", [])))
    zip_code = _zip(" ".join(groups.get("ZipCode", [])))
    return StandardAddress(
        street_name=name,
        unit=parse_unit(" ".join(unit)) if unit else None,
        # A place name counts only beside a state or ZIP: alone it is more often a mislabelled
        # word of the street line than a city.
        city=_city(" ".join(groups.get("PlaceName", []))) if state or zip_code else None,
        state=state,
        zip=zip_code,
        parsed=True,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def parse_unit(text: str) -> str | None:
    """A Pub 28 unit (``APT 3B``, ``FL 32``, ``# G510``) from unit text, or None.

    A list of units (``1701,2710``, ``LVL 44,45``) names no one unit; a bare word (Denver's
    ``SFR`` dwelling-type token) is not a unit either. Of several designators
    (``BLDG 1 UNIT 55``) the last, most specific one wins.
    """
    words = clean(text).replace("#", " # ").split()
    if not words or _UNIT_LIST.search(" ".join(words)):
        return None
    rules = _rules()
    floor = _floor(words, rules["floor_designators"])
    if floor is not None:
        return floor
    designators: dict[str, str] = rules["unit_designators"]
    for index in range(len(words) - 1, -1, -1):
        designator = designators.get(words[index].rstrip("."))
        if designator is None:
            continue
        rest = words[index + 1 :]
        if not rest:
            return designator if designator in rules["standalone_units"] else None
        identified = len(rest) == 1 and _UNIT_ID.fullmatch(rest[0])
        return f"{designator} {rest[0]}" if identified else None
    if len(words) != 1 or not _UNIT_ID.fullmatch(words[0]):
        return None
    value = words[0]
    return f"# {value}" if len(value) == 1 or any(c.isdigit() for c in value) else None


def clean(text: str) -> str:
    """One upper-case line: coordinates dropped, lines joined by commas, glued types split."""
    text = _socrata_location(text)
    text = _COORDINATES.sub(" ", text)
    text = ", ".join(part for part in _LINE_BREAKS.split(text.strip()) if part.strip(" ,"))
    text = _SPACES.sub(" ", text).strip(" ,").upper()
    return _GLUED_TYPE.sub(r"\1 \2", text)


def _street_name(groups: dict[str, list[str]]) -> str:
    """Pre-directional + name + suffix + post-directional, Pub 28 abbreviated."""
    names = groups.get("StreetName", [])
    pre_type = groups.get("StreetNamePreType", [])
    post_type = [STREET_TYPE_ABBREVIATIONS.get(w, w) for w in groups.get("StreetNamePostType", [])]
    directional = groups.get("StreetNamePreDirectional", [])
    if names and all(w in DIRECTIONAL_REPLACEMENTS for w in names):
        # EAST WEST HWY, NORTH ST: the directional is the name itself, not a direction.
        pre = directional
    else:
        pre = [DIRECTIONAL_REPLACEMENTS.get(w, w) for w in directional]
    ordinals: dict[str, str] = _rules()["word_ordinals"]
    if post_type and len(names) == 1 and names[0] in ordinals:
        names = [ordinals[names[0]]]
    if post_type:
        # A numbered street carries its ordinal: 38 STREET -> 38TH ST, BAY 41 ST -> BAY 41ST ST.
        names = [_ordinal(w) if w.isdigit() else w for w in names]
    post = [DIRECTIONAL_REPLACEMENTS.get(w, w) for w in groups.get("StreetNamePostDirectional", [])]
    # A type before the name stays spelled out: AVENUE D, AVENUE OF AMERICAS, BEACH 129TH ST.
    parts = [*groups.get("StreetNamePreModifier", []), *pre, *pre_type, *names, *post_type, *post]
    return " ".join(parts)


def _floor(words: list[str], floor_words: list[str]) -> str | None:
    """``FL <n>`` from ``32ND FLOOR``, ``LEVEL 32``, ``FLR30`` or ``UNIT FLR30``; else None."""
    floors = "|".join(floor_words)
    tail = " ".join(words[-2:])
    match = re.fullmatch(rf"(?:\S+ )?(?:{floors})\.? ?#?(\d+)(?:ST|ND|RD|TH)?", tail) or (
        re.fullmatch(rf"(\d+)(?:ST|ND|RD|TH)? (?:{floors})\.?", tail)
    )
    return f"FL {int(match.group(1))}" if match else None


def _ordinal(number: str) -> str:
    value = int(number)
    if value % 100 in (11, 12, 13):
        return f"{number}TH"
    return number + {1: "ST", 2: "ND", 3: "RD"}.get(value % 10, "TH")


def _socrata_location(text: str) -> str:
    """The address block of a Socrata location object sent as JSON text, else ``text``."""
    if not text.lstrip().startswith("{"):
        return text
    try:
        location = orjson.loads(text)
        human = location.get("human_address") if isinstance(location, dict) else None
        parts: Any = orjson.loads(human) if isinstance(human, str) else human
    except orjson.JSONDecodeError:
        return text
    if not isinstance(parts, dict):
        return text
    place = " ".join(str(parts.get(key) or "") for key in ("state", "zip")).strip()
    lines = [str(parts.get("address") or ""), str(parts.get("city") or ""), place]
    return "\n".join(line for line in lines if line.strip())


def _city(text: str | None) -> str | None:
    text = _SPACES.sub(" ", text or "").strip(" ,")
    return text.title() if text else None


def _city_alias(city: str, state: str | None) -> str:
    aliases: dict[str, dict[str, str]] = _rules()["city_aliases"]
    return aliases.get(state or "", {}).get(city.upper(), city)


def _state(text: str | None) -> str | None:
    code = (text or "").strip().upper()
    return code if code in US_STATES else None


def _zip(text: str | None) -> str | None:
    match = _ZIP.match((text or "").strip())
    return match.group(1) if match else None


@cache
def _rules() -> dict[str, Any]:
    return load_rule_file("addresses")
