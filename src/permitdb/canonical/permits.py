"""The canonical permit record: one shape for every jurisdiction (docs/schema.md).

BLDS v1.2-compatible: every BLDS core and recommended field has a home here (the BLDS name is
in each field's comment). Catalog field maps name these attributes; ``store.tables`` has one
column per attribute; the API serves them. ``tests/test_schema_docs.py`` keeps docs/schema.md
in step with this class.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from permitdb.vocabulary import (
    LocationSource,
    PropertyClass,
    QualityFlag,
    RecordClass,
    Status,
    StatusPhase,
    Tag,
)


@dataclass(slots=True)
class PermitRecord:
    """One normalized permit, certificate of occupancy or new-construction parcel."""

    # identity and provenance
    id: str = ""  # stable across re-ingests: derived from (dataset, source_record_id)
    jurisdiction: str = ""  # jurisdiction slug, e.g. "austin-tx" (BLDS Jurisdiction)
    dataset: str = ""  # catalog dataset slug, e.g. "austin-tx/issued-construction-permits"
    source_record_id: str = ""  # the source's primary key, as text
    record_class: RecordClass = "permit"

    # what was permitted (raw strings kept as the source sent them)
    permit_number: str | None = None  # BLDS PermitNum
    permit_type: str | None = None  # BLDS PermitType
    permit_type_desc: str | None = None  # BLDS PermitTypeDesc
    permit_subtype: str | None = None
    permit_class: str | None = None  # BLDS PermitClass (raw property type)
    work_class: str | None = None  # BLDS WorkClass
    proposed_use: str | None = None  # BLDS ProposedUse (occupancy / use)
    description: str | None = None  # BLDS Description
    master_permit_number: str | None = None  # BLDS MasterPermitNum
    status_raw: str | None = None  # BLDS StatusCurrent

    # normalized (docs/vocabulary.md)
    status: Status = "unknown"  # BLDS StatusCurrentMapped
    status_phase: StatusPhase = "unknown"
    tags: list[Tag] = field(default_factory=list)
    category: Tag | None = None  # BLDS PermitTypeMapped, in our vocabulary
    property_class: PropertyClass = "unknown"  # BLDS PermitClassMapped
    classification_rules: list[str] = field(default_factory=list)  # why each tag/status was set

    # dates: the local calendar date the jurisdiction meant
    applied_date: date | None = None  # BLDS AppliedDate
    issued_date: date | None = None  # BLDS IssuedDate
    finaled_date: date | None = None  # BLDS CompletedDate
    expires_date: date | None = None  # BLDS ExpiresDate
    status_date: date | None = None  # BLDS StatusDate
    co_issued_date: date | None = None  # BLDS COIssuedDate

    # money and size
    valuation: Decimal | None = None  # BLDS EstProjectCost (US dollars)
    fees: Decimal | None = None  # BLDS Fee
    housing_units: int | None = None  # BLDS HousingUnits
    square_feet: int | None = None  # BLDS TotalSqFt
    stories: int | None = None

    # address: raw as stored by the jurisdiction, then standardized components
    original_address1: str | None = None  # BLDS OriginalAddress1
    original_address2: str | None = None  # BLDS OriginalAddress2
    original_city: str | None = None  # BLDS OriginalCity
    original_state: str | None = None  # BLDS OriginalState
    original_zip: str | None = None  # BLDS OriginalZip
    street_number: str | None = None
    street_name: str | None = None  # standardized (USPS Publication 28), e.g. "MAIN ST"
    unit: str | None = None  # e.g. "UNIT 500"
    address: str | None = None  # standardized one-line street address
    city: str | None = None
    state: str | None = None  # two-letter USPS code
    zip: str | None = None  # five digits
    county_fips: str | None = None
    address_key: str | None = None  # same building, same key, across permits

    # location
    latitude: float | None = None  # BLDS Latitude (WGS84)
    longitude: float | None = None  # BLDS Longitude
    location_source: LocationSource | None = None
    parcel_id: str | None = None  # BLDS PIN (APN / PIN / BBL)

    # people
    contractor_name: str | None = None  # BLDS ContractorCompanyName
    contractor_license: str | None = None  # BLDS ContractorLicNum
    contractor_license_state: str | None = None  # BLDS ContractorStateLic
    contractor_trade: str | None = None  # BLDS ContractorTrade
    contractor_phone: str | None = None  # BLDS ContractorPhone
    contractor_address: str | None = None  # BLDS ContractorAddress1
    owner_name: str | None = None
    owner_phone: str | None = None
    applicant_name: str | None = None
    # the contractor entity the mention resolved to (store-managed: normalize.contractors)
    contractor_id: str | None = None

    # provenance and quality
    source_url: str | None = None  # BLDS Link
    source_updated_at: datetime | None = None  # the portal's own last-modified time (UTC)
    fetched_at: datetime | None = None  # when permitdb fetched it (UTC)
    first_seen_at: datetime | None = None  # set by the store on first insert
    updated_at: datetime | None = None  # set by the store when content changes
    quality_flags: list[QualityFlag] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # the source record, untouched
    content_hash: str = ""  # hash of the normalized content; unchanged hash -> no rewrite


FIELD_NAMES: Final[tuple[str, ...]] = tuple(f.name for f in dataclasses.fields(PermitRecord))

# Fields a catalog field map may fill. The rest are identity, derived or store-managed.
DERIVED_FIELDS: Final = frozenset(
    {
        "id",
        "jurisdiction",
        "dataset",
        "source_record_id",
        "status",
        "status_phase",
        "tags",
        "category",
        "property_class",
        "classification_rules",
        "street_number",
        "street_name",
        "unit",
        "address",
        "address_key",
        "city",
        "state",
        "zip",
        "county_fips",
        "record_class",
        "location_source",
        "fetched_at",
        "first_seen_at",
        "updated_at",
        "quality_flags",
        "raw",
        "content_hash",
        "contractor_id",
    }
)
MAPPABLE_FIELDS: Final = frozenset(name for name in FIELD_NAMES if name not in DERIVED_FIELDS) | {
    "location"
}  # "location": a point (GeoJSON, "(lat, lng)", WKT) that fills latitude+longitude
