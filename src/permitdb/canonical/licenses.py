"""The canonical contractor licence: one row of a state licence board or a city registry.

A licence is what a board published about one licence number (and, where a board keys its
rows by number and type, one type of it). Contractors are resolved from licences and from the
contractor mentions on permits (``normalize.contractors``); a licence row links to the
contractor it resolved to through ``contractor_licenses.contractor_id`` in the store.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from permitdb.canonical.common import IDENTITY_AND_PROVENANCE, STANDARD_ADDRESS
from permitdb.vocabulary import LicenseStatus, QualityFlag


@dataclass(slots=True)
class LicenseRecord:
    """One normalized contractor licence."""

    # identity and provenance
    id: str = ""  # stable across re-ingests: derived from (dataset, source_record_id)
    jurisdiction: str = ""  # the issuing board's jurisdiction slug, e.g. "california"
    dataset: str = ""
    source_record_id: str = ""

    # the licence
    license_number: str | None = None  # as the board prints it, e.g. "1105721", "CBCA05721"
    license_key: str | None = None  # derived: upper-case letters and digits, for lookups
    license_state: str | None = None  # derived: the board's state (jurisdiction.state)
    license_type: str | None = None  # raw, e.g. "Certified Building Contractor", "RMP"
    classifications: list[str] = field(default_factory=list)  # derived: labels, board order
    classifications_raw: str | None = None  # raw codes as published, e.g. "B | C10 | C36"
    status_raw: str | None = None
    status: LicenseStatus = "unknown"  # derived through value_maps.license_status
    issued_date: date | None = None
    effective_date: date | None = None  # the current term's start (reissue, renewal)
    expires_date: date | None = None
    inactive_date: date | None = None  # when it stopped being active, where published

    # who holds it
    business_name: str | None = None
    dba_name: str | None = None
    entity_type: str | None = None  # raw, e.g. "Corporation", "Sole Owner", "LLC"
    person_name: str | None = None  # a qualifier, RMI or license holder (person-level)
    phone: str | None = None
    email: str | None = None  # person-level when a person's
    website: str | None = None

    # where: raw as published, then standardized like a permit's address
    original_address1: str | None = None
    original_address2: str | None = None
    original_city: str | None = None
    original_state: str | None = None
    original_zip: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    county: str | None = None  # county name, where published
    county_fips: str | None = None
    address_key: str | None = None

    # bond and insurance, where published
    bond_company: str | None = None
    bond_amount: Decimal | None = None
    bond_expires_date: date | None = None
    insurance_company: str | None = None  # general liability
    insurance_amount: Decimal | None = None
    insurance_expires_date: date | None = None
    workers_comp_company: str | None = None
    workers_comp_expires_date: date | None = None
    workers_comp_exempt: bool | None = None

    # provenance and quality
    source_url: str | None = None
    source_updated_at: datetime | None = None
    fetched_at: datetime | None = None
    first_seen_at: datetime | None = None
    updated_at: datetime | None = None
    quality_flags: list[QualityFlag] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""


LICENSE_FIELD_NAMES: Final[tuple[str, ...]] = tuple(
    f.name for f in dataclasses.fields(LicenseRecord)
)
LICENSE_DERIVED: Final = (
    IDENTITY_AND_PROVENANCE
    | STANDARD_ADDRESS
    | frozenset({"license_key", "license_state", "classifications", "status"})
)
LICENSE_MAPPABLE: Final = frozenset(LICENSE_FIELD_NAMES) - LICENSE_DERIVED
