"""How much of the canonical record a catalog entry fills (``permitdb catalog check``).

The BLDS list is the reviewer's checklist: a BLDS core or recommended field that the portal
publishes but the field map leaves out is the most common gap in a new catalog file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from permitdb.catalog.model import CatalogEntry, Platform
from permitdb.vocabulary import RecordClass

# Canonical field -> its BLDS v1.2 name, for every BLDS core or recommended field a field map
# can fill (the "BLDS X" comments in permitdb/canonical.py; tests keep the two in step).
BLDS_FIELDS: Final[dict[str, str]] = {
    "permit_number": "PermitNum",
    "permit_type": "PermitType",
    "permit_type_desc": "PermitTypeDesc",
    "permit_class": "PermitClass",
    "work_class": "WorkClass",
    "proposed_use": "ProposedUse",
    "description": "Description",
    "master_permit_number": "MasterPermitNum",
    "status_raw": "StatusCurrent",
    "applied_date": "AppliedDate",
    "issued_date": "IssuedDate",
    "finaled_date": "CompletedDate",
    "expires_date": "ExpiresDate",
    "status_date": "StatusDate",
    "co_issued_date": "COIssuedDate",
    "valuation": "EstProjectCost",
    "fees": "Fee",
    "housing_units": "HousingUnits",
    "square_feet": "TotalSqFt",
    "original_address1": "OriginalAddress1",
    "original_address2": "OriginalAddress2",
    "original_city": "OriginalCity",
    "original_state": "OriginalState",
    "original_zip": "OriginalZip",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "parcel_id": "PIN",
    "contractor_name": "ContractorCompanyName",
    "contractor_license": "ContractorLicNum",
    "contractor_license_state": "ContractorStateLic",
    "contractor_trade": "ContractorTrade",
    "contractor_phone": "ContractorPhone",
    "contractor_address": "ContractorAddress1",
    "source_url": "Link",
}


@dataclass(frozen=True, slots=True)
class EntryCoverage:
    """What one catalog entry fills, and which BLDS fields it leaves empty."""

    slug: str
    platform: Platform
    record_class: RecordClass
    filled: list[str]  # canonical fields, sorted; `location` counts as latitude + longitude
    blds_missing: list[str]  # canonical names of unfilled BLDS fields, in BLDS_FIELDS order

    @property
    def blds_filled_share(self) -> float:
        """Share of the BLDS fields filled, 0..1."""
        return 1 - len(self.blds_missing) / len(BLDS_FIELDS)


def coverage(entry: CatalogEntry) -> EntryCoverage:
    """The canonical fields ``entry``'s field map fills, and the BLDS fields it does not."""
    filled = set(entry.fields) - {"location"}
    if "location" in entry.fields:
        filled |= {"latitude", "longitude"}
    return EntryCoverage(
        slug=entry.slug,
        platform=entry.source.platform,
        record_class=entry.record_class,
        filled=sorted(filled),
        blds_missing=[name for name in BLDS_FIELDS if name not in filled],
    )
