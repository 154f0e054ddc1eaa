"""Recordings and catalog entries for the normalize tests, built the way catalog files are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from permitdb.catalog.model import CatalogEntry

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def load_recording(relative: str) -> Any:
    return json.loads((RECORDINGS / relative).read_text("utf-8"))


AUSTIN: dict[str, Any] = {
    "dataset": "issued-construction-permits",
    "name": "Issued Construction Permits",
    "jurisdiction": {
        "slug": "austin-tx",
        "name": "Austin",
        "state": "TX",
        "city": "Austin",
        "county_fips": "48453",
        "timezone": "America/Chicago",
    },
    "source": {"platform": "socrata", "domain": "data.austintexas.gov", "dataset_id": "3syk-w9eu"},
    "primary_key": ["permit_number"],
    "fields": {
        "permit_number": "permit_number",
        "permit_type_desc": "permit_type_desc",
        "permit_class": "permit_class",
        "work_class": "work_class",
        "description": "description",
        "parcel_id": "tcad_id",
        "applied_date": "applieddate",
        "issued_date": "issue_date",
        "expires_date": "expiresdate",
        "status_raw": "status_current",
        "housing_units": "housing_units",
        "valuation": "total_job_valuation",
        "original_address1": "original_address1",
        "original_city": "original_city",
        "original_zip": "original_zip",
        "source_url": {"source": "link", "convert": "url"},
        "latitude": "latitude",
        "longitude": "longitude",
        "contractor_trade": "contractor_trade",
        "contractor_name": "contractor_company_name",
    },
    "recording": {"path": "socrata/austin-tx/issued-construction-permits.json"},
}


def entry_from(base: dict[str, Any], **changes: Any) -> CatalogEntry:
    return CatalogEntry.model_validate({**base, **changes})
