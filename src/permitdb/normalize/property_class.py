"""Property class: residential, commercial, mixed use, industrial, public, or unknown.

From the raw class and use first (catalog value map, then occupancy-code lists, then the
phrase rules of ``rules/property_classes.yaml``), the description next, and last the dwelling-unit
count: a building with dwelling units is residential, and a commercial space in it (named only
by the description) makes it mixed use. ``unknown`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, cast

from permitdb.catalog.model import ValueMaps
from permitdb.normalize.rulefiles import catalog_lookup, load_rule_file, whole_words
from permitdb.vocabulary import PROPERTY_CLASSES, PropertyClass

# Structured fields in the order they are trusted; the description is the last resort.
CLASS_FIELDS: Final = (
    "permit_class",
    "proposed_use",
    "permit_type",
    "permit_type_desc",
    "permit_subtype",
    "housing_units",
)
_TEXT_FIELDS: Final = CLASS_FIELDS[:-1]
_CODE_SEPARATOR = re.compile(r"\s*[,/;&]\s*|\s+")


@dataclass(frozen=True, slots=True)
class _Rules:
    codes: tuple[tuple[PropertyClass, re.Pattern[str]], ...]
    phrases: tuple[tuple[PropertyClass, re.Pattern[str]], ...]


def decide_property_class(
    fields: Mapping[str, object], value_maps: ValueMaps
) -> tuple[PropertyClass, str | None]:
    """(class, rule string) from ``fields`` (``CLASS_FIELDS`` plus ``description``)."""
    for name in ("permit_class", "proposed_use"):
        raw = _text(fields, name)
        mapped = catalog_lookup(value_maps.property_class, raw) if raw else None
        if mapped is not None:
            return mapped, f"property_class:{mapped}<-catalog:{raw!r}"
    for name in ("permit_class", "proposed_use"):
        raw = _text(fields, name)
        found = _from_codes(raw) if raw else None
        if found is not None:
            return found, f"property_class:{found}<-{name}:{raw!r}"
    units = fields.get("housing_units")
    dwellings = units if isinstance(units, int) and units > 0 else None
    for name in (*_TEXT_FIELDS, "description"):
        raw = _text(fields, name)
        hit = _from_phrases(raw) if raw else None
        if hit is None:
            continue
        if hit[0] == "commercial" and name == "description" and dwellings:
            # "Renovation of the commercial space" in a building of 131 dwelling units.
            return "mixed_use", f"property_class:mixed_use<-{name}:{hit[1]!r}+housing_units"
        return hit[0], f"property_class:{hit[0]}<-{name}:{hit[1]!r}"
    if dwellings:
        return "residential", f"property_class:residential<-housing_units:{dwellings}"
    return "unknown", None


def _text(fields: Mapping[str, object], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) and value else None


@lru_cache(maxsize=4096)
def _from_codes(text: str) -> PropertyClass | None:
    """The class of a field that is nothing but occupancy codes, else None."""
    found: set[PropertyClass] = set()
    for token in _CODE_SEPARATOR.split(text.strip().upper()):
        kind = next((k for k, pattern in _rules().codes if pattern.fullmatch(token)), None)
        if kind is None:
            return None
        found.add(kind)
    if {"residential", "commercial"} <= found:
        return "mixed_use"
    # One class of code: that class. Several non-residential ones: the first is as good a guess
    # as any, which is no good; say nothing.
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=16_384)
def _from_phrases(text: str) -> tuple[PropertyClass, str] | None:
    for kind, pattern in _rules().phrases:
        match = pattern.search(text)
        if match:
            return kind, match.group(0)
    return None


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_rule_file("property_classes")
    codes = tuple(
        (_kind(kind), re.compile("|".join(f"(?:{p})" for p in patterns)))
        for kind, patterns in data["occupancy_codes"].items()
    )
    phrases = tuple(
        (_kind(item["class"]), whole_words(item["phrases"])) for item in data["phrases"]
    )
    return _Rules(codes, phrases)


def _kind(name: str) -> PropertyClass:
    if name not in PROPERTY_CLASSES:
        raise ValueError(f"rules/property_classes.yaml: {name!r} is not a property class")
    return cast(PropertyClass, name)
