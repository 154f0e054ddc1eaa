"""One raw source record -> one canonical ``PermitRecord``, or ``RecordRejected``.

The order matters: map fields (which may reject), then derive, each step reading what the
previous ones filled: address, location, status (needs the dates), tags and property class,
quality flags (need everything), and last the content hash.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Final, Protocol

import orjson

from permitdb.canonical import FIELD_NAMES, PermitRecord
from permitdb.catalog.model import CatalogEntry, Jurisdiction, ValueMaps
from permitdb.errors import RecordRejected
from permitdb.normalize.addresses import StandardAddress, standardize
from permitdb.normalize.classify import TEXT_FIELDS, classify
from permitdb.normalize.converters import to_text
from permitdb.normalize.fieldmap import field_map, is_empty
from permitdb.normalize.geo import place
from permitdb.normalize.property_class import CLASS_FIELDS, decide_property_class
from permitdb.normalize.quality import date_flags, screen_valuation
from permitdb.normalize.rulefiles import catalog_lookup
from permitdb.normalize.statuses import decide_status
from permitdb.normalize.zipcodes import lookup as zip_place
from permitdb.sources.text import UNREADABLE_KEY
from permitdb.vocabulary import PropertyClass, QualityFlag, Tag

# Store-managed or self-referential: a re-fetch of an unchanged record must hash the same.
_UNHASHED: Final = frozenset(
    {"fetched_at", "first_seen_at", "updated_at", "content_hash", "contractor_id"}
)
_HASHED_FIELDS: Final = tuple(name for name in FIELD_NAMES if name not in _UNHASHED)
_RECORD_CLASS_FIELDS: Final = ("permit_type", "permit_type_desc", "permit_subtype")
_WORDING_FIELDS: Final = tuple(dict.fromkeys((*TEXT_FIELDS, *CLASS_FIELDS)))


def normalize_record(
    entry: CatalogEntry, raw: Mapping[str, Any], *, fetched_at: datetime
) -> PermitRecord:
    """Normalize ``raw`` (as the portal sent it) with ``entry``'s field map and the rules."""
    record = PermitRecord(record_class=entry.record_class, **identified_fields(entry, raw))
    flags: list[QualityFlag] = []
    _record_class(record, entry)
    flags += fill_street_address(record, entry.jurisdiction)
    flags += _location(record, entry)
    _classify(record, entry)
    record.valuation, valuation_flags = screen_valuation(record.valuation)
    flags += valuation_flags
    flags += date_flags(record, fetched_at)
    record.quality_flags = flags
    record.fetched_at = fetched_at
    record.raw = storable(raw)
    record.content_hash = content_hash(record)
    return record


def identified_fields(entry: CatalogEntry, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The record's identity and its field-mapped values, for any record kind; raises
    ``RecordRejected`` for a row the source could not read or the field map refuses."""
    problem = raw.get(UNREADABLE_KEY)
    if isinstance(problem, dict):  # the source could not read it faithfully (sources/text.py)
        raise RecordRejected(str(problem["code"]), str(problem["message"]))
    record_id = source_record_id(entry, raw)
    return {
        "id": permit_id(entry.slug, record_id),
        "jurisdiction": entry.jurisdiction.slug,
        "dataset": entry.slug,
        "source_record_id": record_id,
        **field_map(entry).apply(raw),
    }


def storable(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The raw record as both engines can store it: NUL characters (which PostgreSQL text and
    JSONB refuse, in values and in keys alike) become U+FFFD, the usual stand-in for an
    unrepresentable character. Everything else is kept exactly."""
    return {_nul_free(key): _nul_free(value) for key, value in raw.items()}


def _nul_free(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {_nul_free(key): _nul_free(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nul_free(item) for item in value]
    return value


def source_record_id(entry: CatalogEntry, raw: Mapping[str, Any]) -> str:
    """The primary-key values joined with ``|``, or a hash of the whole record when none."""
    if entry.primary_key is None:
        return hashlib.sha256(orjson.dumps(dict(raw), option=orjson.OPT_SORT_KEYS)).hexdigest()
    parts = []
    for key in entry.primary_key:
        value = raw.get(key)
        text = to_text(value) if not is_empty(value) else None
        if text is None:
            raise RecordRejected("missing_primary_key", f"primary key {key!r} is empty", field=key)
        parts.append(text)
    return "|".join(parts)


def permit_id(dataset_slug: str, source_record_id: str) -> str:
    """Stable id: 26 lowercase base32 characters of sha256(dataset, source id)."""
    digest = hashlib.sha256(f"{dataset_slug}\x1f{source_record_id}".encode()).digest()
    # 20 bytes are four whole base32 groups: the same first 26 characters, less work.
    return base64.b32encode(digest[:20]).decode("ascii").lower()[:26]


def content_hash(record: PermitRecord) -> str:
    """sha256 of the normalized content, store-managed timestamps excluded."""
    content = {name: getattr(record, name) for name in _HASHED_FIELDS}
    encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(encoded).hexdigest()


def _record_class(record: PermitRecord, entry: CatalogEntry) -> None:
    for name in _RECORD_CLASS_FIELDS:
        raw: str | None = getattr(record, name)
        mapped = catalog_lookup(entry.value_maps.record_class, raw) if raw else None
        if mapped is not None:
            record.record_class = mapped
            return


class Addressed(Protocol):
    """A canonical record with an address as published and its standardized parts."""

    original_address1: str | None
    original_address2: str | None
    original_city: str | None
    original_state: str | None
    original_zip: str | None
    address: str | None
    city: str | None
    state: str | None
    zip: str | None
    address_key: str | None
    county_fips: str | None


class StreetAddressed(Addressed, Protocol):
    """A record that keeps its street number, name and unit apart too (permits, parcels)."""

    street_number: str | None
    street_name: str | None
    unit: str | None


def fill_address(record: Addressed, jurisdiction: Jurisdiction) -> list[QualityFlag]:
    """Standardize ``record``'s original address into its address fields (any record kind);
    its flags: ``address_unparsed`` when it has an address that did not parse."""
    return _unparsed(record, _standardize(record, jurisdiction))


def fill_street_address(record: StreetAddressed, jurisdiction: Jurisdiction) -> list[QualityFlag]:
    """:func:`fill_address`, and the street number, name and unit."""
    standard = _standardize(record, jurisdiction)
    record.street_number = standard.street_number
    record.street_name = standard.street_name
    record.unit = standard.unit
    return _unparsed(record, standard)


def _unparsed(record: Addressed, standard: StandardAddress) -> list[QualityFlag]:
    return ["address_unparsed"] if record.original_address1 and not standard.parsed else []


def _standardize(record: Addressed, jurisdiction: Jurisdiction) -> StandardAddress:
    standard = standardize(
        record.original_address1,
        record.original_address2,
        record.original_city,
        record.original_state,
        record.original_zip,
        jurisdiction,
        zip_lookup=zip_place,
    )
    record.address = standard.address
    record.city = standard.city
    record.state = standard.state
    record.zip = standard.zip
    record.address_key = standard.address_key
    record.county_fips = standard.county_fips or jurisdiction.county_fips
    return standard


def _location(record: PermitRecord, entry: CatalogEntry) -> list[QualityFlag]:
    placement = place(record.latitude, record.longitude, entry.jurisdiction.state)
    record.latitude = placement.latitude
    record.longitude = placement.longitude
    record.location_source = placement.source
    return placement.flags


def _classify(record: PermitRecord, entry: CatalogEntry) -> None:
    maps = entry.value_maps
    status = decide_status(
        record.status_raw, maps, issued_date=record.issued_date, finaled_date=record.finaled_date
    )
    wording = tuple(getattr(record, name) for name in _WORDING_FIELDS)
    work = _work(_SameMaps(maps), wording)
    record.status = status.status
    record.status_phase = status.phase
    record.tags = list(work.tags)
    record.category = work.category
    record.property_class = work.property_class
    reasons = [status.rule, *work.rules, work.class_rule]
    record.classification_rules = [reason for reason in reasons if reason is not None]


@dataclass(frozen=True, slots=True)
class _Work:
    tags: tuple[Tag, ...]
    category: Tag | None
    rules: tuple[str, ...]
    property_class: PropertyClass
    class_rule: str | None


class _SameMaps:
    """An entry's value maps as a cache key, by identity: catalog entries are frozen, so the
    same object means the same maps. The key keeps the maps alive, so the id is never reused."""

    __slots__ = ("maps",)

    def __init__(self, maps: ValueMaps) -> None:
        self.maps = maps

    def __hash__(self) -> int:
        return id(self.maps)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SameMaps) and other.maps is self.maps


@lru_cache(maxsize=16_384)
def _work(maps: _SameMaps, wording: tuple[Any, ...]) -> _Work:
    """Tags, category and property class: they read only the wording fields and the maps, and
    a dataset repeats a few thousand type/description combinations, so each is decided once."""
    fields = dict(zip(_WORDING_FIELDS, wording, strict=True))
    work = classify(fields, maps.maps)
    property_class, class_rule = decide_property_class(fields, maps.maps)
    return _Work(tuple(work.tags), work.category, tuple(work.rules), property_class, class_rule)
