"""Contractors: entities resolved from licences and permit mentions (``store.contractors``)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text

from permitdb.store.dialects import Json
from permitdb.store.tables.base import Money, UtcDateTime, metadata

contractors = Table(
    "contractors",
    metadata,
    Column("id", String(40), primary_key=True),  # stable: from the first mention's key
    Column("name", Text, nullable=False),  # the display name: the licence's, else most used
    Column("name_key", Text, nullable=False),  # normalize.contractors.name_key
    Column("license_key", Text),  # the primary licence, when one resolved
    Column("license_state", String(2)),
    Column("phone", Text),
    Column("address", Text),
    Column("city", Text),
    Column("state", String(2)),
    Column("zip", String(5)),
    Column("county_fips", String(5)),
    # rollups kept at ingest from the contractor's permits
    Column("permit_count", Integer, nullable=False, default=0),
    Column("total_job_value", Money),
    Column("first_permit_date", Date),
    Column("last_permit_date", Date),
    Column("tag_counts", Json, nullable=False),  # {"roofing": 12, ...}
    Column("classification_derived", Json, nullable=False),  # tags ranked by share of permits
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_contractors_state_name_key", "state", "name_key"),
    Index("ix_contractors_license_key_license_state", "license_key", "license_state"),
)
# The contractor listing's order (store.contractor_queries), unfiltered and under the filters
# it most often starts from.
CONTRACTOR_ORDER = (contractors.c.last_permit_date.desc().nulls_last(), contractors.c.id.desc())
Index("ix_contractors_last_permit_date_id", *CONTRACTOR_ORDER)
for _column in ("state", "zip", "county_fips"):
    Index(
        f"ix_contractors_{_column}_last_permit_date_id", contractors.c[_column], *CONTRACTOR_ORDER
    )

# One row per distinct mention of a contractor (a licence row, or a permit's contractor name,
# licence, phone and address): how it was resolved, and to what.
contractor_mentions = Table(
    "contractor_mentions",
    metadata,
    Column("mention_key", String(64), primary_key=True),  # sha256 of the mention's evidence
    Column("contractor_id", String(40), ForeignKey("contractors.id"), nullable=False),
    Column("source", String(20), nullable=False),  # permit | license
    Column("name", Text),
    Column("name_key", Text),
    Column("license_key", Text),
    Column("license_state", String(2)),
    Column("phone_key", String(10)),
    Column("address_key", Text),
    Column("state", String(2)),
    # the first distinctive word of the name: fuzzy name candidates are fetched by it
    Column("block_key", Text),
    # license | phone | address | name_exact | name_fuzzy | new | pinned (docs/contractors.md)
    Column("match_method", String(20), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_contractor_mentions_contractor_id", "contractor_id"),
    Index("ix_contractor_mentions_license_key_license_state", "license_key", "license_state"),
    Index("ix_contractor_mentions_phone_key", "phone_key"),
    Index("ix_contractor_mentions_state_name_key", "state", "name_key"),
    Index("ix_contractor_mentions_state_block_key", "state", "block_key"),
    Index("ix_contractor_mentions_address_key", "address_key"),
)
