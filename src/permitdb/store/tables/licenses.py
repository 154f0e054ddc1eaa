"""Contractor licences, one column per ``LicenseRecord`` field."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table

from permitdb.canonical import LicenseRecord
from permitdb.canonical.common import IDENTITY_AND_PROVENANCE
from permitdb.store.tables.base import metadata
from permitdb.store.tables.records import record_columns

contractor_licenses = Table(
    "contractor_licenses",
    metadata,
    *record_columns(
        LicenseRecord, not_null=IDENTITY_AND_PROVENANCE | {"status", "classifications"}
    ),
    # the contractor this licence resolved to (store.contractors), written after the page
    Column("contractor_id", String(40)),
    Index(
        "uq_contractor_licenses_dataset_source_record_id",
        "dataset",
        "source_record_id",
        unique=True,
    ),
    Index("ix_contractor_licenses_license_key_license_state", "license_key", "license_state"),
    Index("ix_contractor_licenses_contractor_id", "contractor_id"),
)
