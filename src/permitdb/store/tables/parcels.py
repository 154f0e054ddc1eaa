"""Parcels (properties), one column per ``ParcelRecord`` field."""

from __future__ import annotations

from sqlalchemy import Index, Table

from permitdb.canonical import ParcelRecord
from permitdb.canonical.common import IDENTITY_AND_PROVENANCE
from permitdb.store.tables.base import metadata
from permitdb.store.tables.records import record_columns

parcels = Table(
    "parcels",
    metadata,
    *record_columns(
        ParcelRecord,
        not_null=IDENTITY_AND_PROVENANCE | {"property_type", "owner_type"},
    ),
    Index("uq_parcels_dataset_source_record_id", "dataset", "source_record_id", unique=True),
    # permits join their parcel by key within a state, or by address
    Index("ix_parcels_state_parcel_key", "state", "parcel_key"),
    Index("ix_parcels_address_key", "address_key"),
    Index("ix_parcels_state_county_fips", "state", "county_fips"),
)
