"""The canonical parcel (property): one row of an assessor roll or a PLUTO-style land-use file.

Permits are enriched with the parcel they were pulled on (joined by ``parcel_key`` within a
state, else by ``address_key``), and ``/v1/parcels`` serves the rolls themselves. Owner names
are person-level data, served only with the owner scope.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from permitdb.canonical.common import IDENTITY_AND_PROVENANCE, STANDARD_ADDRESS
from permitdb.vocabulary import OwnerType, PropertyType, QualityFlag


@dataclass(slots=True)
class ParcelRecord:
    """One normalized parcel."""

    # identity and provenance
    id: str = ""  # stable across re-ingests: derived from (dataset, source_record_id)
    jurisdiction: str = ""
    dataset: str = ""
    source_record_id: str = ""

    # the parcel
    parcel_id: str | None = None  # as the assessor writes it: BBL, PIN, APN
    parcel_key: str | None = None  # derived: the form permits are joined on (digits, no dashes)
    roll_year: int | None = None  # the assessment or tax year the row describes
    land_use_raw: str | None = None  # raw land-use / class code, e.g. "1", "203", "A5"
    property_type: PropertyType = "unknown"  # derived through value_maps.property_type
    property_type_detail: str | None = None  # the code's label, e.g. "One & Two Family"
    zoning: str | None = None
    owner_name: str | None = None  # person-level: served only with the owner scope
    owner_type: OwnerType = "unknown"  # derived from owner_name (normalize.owners)

    # where: raw as published, then standardized like a permit's address
    original_address1: str | None = None
    original_address2: str | None = None
    original_city: str | None = None
    original_state: str | None = None
    original_zip: str | None = None
    street_number: str | None = None
    street_name: str | None = None
    unit: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    county_fips: str | None = None
    address_key: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    census_tract: str | None = None  # 11-digit GEOID where published, else as published
    congressional_district: str | None = None
    neighborhood: str | None = None  # township, neighbourhood or community district

    # the building and the land
    year_built: int | None = None
    lot_size_sqft: int | None = None
    building_area_sqft: int | None = None
    stories: int | None = None
    units: int | None = None  # dwelling units
    bedrooms: int | None = None
    bathrooms: float | None = None

    # value and sale
    market_value: Decimal | None = None  # the assessor's market (full) value
    assessed_value: Decimal | None = None
    land_value: Decimal | None = None
    improvement_value: Decimal | None = None
    sale_date: date | None = None
    sale_price: Decimal | None = None

    # provenance and quality
    source_url: str | None = None
    source_updated_at: datetime | None = None
    fetched_at: datetime | None = None
    first_seen_at: datetime | None = None
    updated_at: datetime | None = None
    quality_flags: list[QualityFlag] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""


PARCEL_FIELD_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in dataclasses.fields(ParcelRecord))
PARCEL_DERIVED: Final = (
    IDENTITY_AND_PROVENANCE
    | STANDARD_ADDRESS
    | frozenset(
        {"parcel_key", "property_type", "owner_type", "street_number", "street_name", "unit"}
    )
)
# "location": a point that fills latitude and longitude, as for permits
PARCEL_MAPPABLE: Final = (frozenset(PARCEL_FIELD_NAMES) - PARCEL_DERIVED) | {"location"}
