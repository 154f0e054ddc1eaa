"""Permits, one column per ``PermitRecord`` field, with their indexes and their tags.

``permits`` has an integer surrogate ``seq`` (SQLite FTS5 needs an integer rowid) and the
public text ``id``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from permitdb.store.dialects import Json, Serial
from permitdb.store.tables.base import Money, UtcDateTime, metadata

permits = Table(
    "permits",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("jurisdiction", String(100), nullable=False),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False),
    Column("source_record_id", Text, nullable=False),
    Column("record_class", String(40), nullable=False),
    Column("permit_number", Text),
    Column("permit_type", Text),
    Column("permit_type_desc", Text),
    Column("permit_subtype", Text),
    Column("permit_class", Text),
    Column("work_class", Text),
    Column("proposed_use", Text),
    Column("description", Text),
    Column("master_permit_number", Text),
    Column("status_raw", Text),
    Column("status", String(20), nullable=False),
    Column("status_phase", String(10), nullable=False),
    Column("tags", Json, nullable=False),
    Column("category", String(30)),
    Column("property_class", String(20), nullable=False),
    Column("classification_rules", Json, nullable=False),
    Column("applied_date", Date),
    Column("issued_date", Date),
    Column("finaled_date", Date),
    Column("expires_date", Date),
    Column("status_date", Date),
    Column("co_issued_date", Date),
    Column("valuation", Money),
    Column("fees", Money),
    Column("housing_units", Integer),
    Column("square_feet", BigInteger),
    Column("stories", Integer),
    Column("original_address1", Text),
    Column("original_address2", Text),
    Column("original_city", Text),
    Column("original_state", Text),
    Column("original_zip", Text),
    Column("street_number", Text),
    Column("street_name", Text),
    Column("unit", Text),
    Column("address", Text),
    Column("city", Text),
    Column("state", String(2)),
    Column("zip", String(5)),
    Column("county_fips", String(5)),
    Column("address_key", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("location_source", String(30)),
    Column("parcel_id", Text),
    Column("contractor_name", Text),
    Column("contractor_license", Text),
    Column("contractor_license_state", String(2)),
    Column("contractor_trade", Text),
    Column("contractor_phone", Text),
    Column("contractor_address", Text),
    Column("owner_name", Text),
    Column("owner_phone", Text),
    Column("applicant_name", Text),
    Column("contractor_id", String(40)),
    Column("source_url", Text),
    Column("source_updated_at", UtcDateTime()),
    Column("fetched_at", UtcDateTime(), nullable=False),
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("quality_flags", Json, nullable=False),
    Column("raw", Json, nullable=False),
    Column("content_hash", String(64), nullable=False),
    # derived by the store from permit_number (normalize.permit_numbers), for lookups by number
    Column("permit_number_key", Text),
    Column("permit_number_shape", Text),
    # derived by the store from parcel_id (normalize.parcel_keys): the key parcels join on
    Column("parcel_key", Text),
    Index("uq_permits_dataset_source_record_id", "dataset", "source_record_id", unique=True),
    Index("ix_permits_applied_date", "applied_date"),
    Index("ix_permits_status", "status"),
    Index("ix_permits_address_key", "address_key"),
    Index("ix_permits_permit_number", "permit_number"),
    # new-construction parcels are shown only while no permit shares their parcel
    # (store.new_construction)
    Index("ix_permits_state_parcel_id", "state", "parcel_id"),
    Index("ix_permits_updated_at", "updated_at"),  # updated_since: clients syncing changes
    # by number, with or without a jurisdiction: one index range either way
    Index("ix_permits_permit_number_key_jurisdiction", "permit_number_key", "jurisdiction"),
    # which jurisdictions use a shape: one index seek per jurisdiction (store.permit_numbers)
    Index("ix_permits_permit_number_shape_jurisdiction", "permit_number_shape", "jurisdiction"),
)
# Columns of ``permits`` that are no PermitRecord field: the store derives them.
DERIVED_COLUMNS = ("permit_number_key", "permit_number_shape", "parcel_key")
# The permit listing's keyset order, unfiltered and under its two most common filters.
LISTING_ORDER = (permits.c.issued_date.desc().nulls_last(), permits.c.id.desc())
Index("ix_permits_issued_date_id", *LISTING_ORDER)
Index("ix_permits_state_issued_date_id", permits.c.state, *LISTING_ORDER)
Index("ix_permits_jurisdiction_issued_date_id", permits.c.jurisdiction, *LISTING_ORDER)
# Geography filters: a ZIP page in listing order, counties, and a latitude range for
# bounding boxes, radii and polygons (longitude checked within it).
Index("ix_permits_zip_issued_date_id", permits.c.zip, *LISTING_ORDER)
Index("ix_permits_county_fips", permits.c.county_fips)
Index("ix_permits_latitude_longitude", permits.c.latitude, permits.c.longitude)
# A contractor's permits, newest first; a permit's parcel by its normalized key.
Index("ix_permits_contractor_id_issued_date_id", permits.c.contractor_id, *LISTING_ORDER)
Index("ix_permits_state_parcel_key", permits.c.state, permits.c.parcel_key)
# The other sort= orders (store.sorts): one index each, read forwards or backwards.
for _column in ("applied_date", "finaled_date", "valuation", "updated_at"):
    Index(f"ix_permits_{_column}_id", permits.c[_column].desc().nulls_last(), permits.c.id.desc())

# One row per (permit, tag): a portable, indexable way to filter by tag on both engines.
permit_tags = Table(
    "permit_tags",
    metadata,
    Column("permit_seq", Serial, ForeignKey("permits.seq", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(30), primary_key=True),
    Index("ix_permit_tags_tag_permit_seq", "tag", "permit_seq"),
)
