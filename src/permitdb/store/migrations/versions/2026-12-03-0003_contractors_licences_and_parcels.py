"""contractor licences, parcels and contractors: a table per record kind, the resolved
contractor entities with their mentions and operators' pins; permits gain the contractor they
resolved to and the parcel key they join parcels on

Revision ID: 2026_12_03_0003
Revises: 2026_12_03_0002
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from permitdb.normalize.parcel_keys import parcel_key

revision = "2026_12_03_0003"
down_revision = "2026_12_03_0002"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 5000

# Only the columns the backfill reads and writes, as they are at this revision.
permits = sa.table(
    "permits",
    sa.column("seq", sa.Integer),
    sa.column("parcel_id", sa.Text),
    sa.column("parcel_key", sa.Text),
)


def _backfill_parcel_keys(conn: sa.Connection) -> None:
    """Fill permits.parcel_key in Python, by seq ranges: it must be exactly what
    ``normalize.parcel_keys`` computes when a permit is written."""
    last = 0
    while True:
        rows = conn.execute(
            sa.select(permits.c.seq, permits.c.parcel_id)
            .where(permits.c.seq > last, permits.c.parcel_id.is_not(None))
            .order_by(permits.c.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            sa.update(permits)
            .where(permits.c.seq == sa.bindparam("target_seq"))
            .values(parcel_key=sa.bindparam("key")),
            [{"target_seq": row.seq, "key": parcel_key(row.parcel_id)} for row in rows],
        )
        last = rows[-1].seq


def upgrade() -> None:
    op.create_table(
        "contractor_pins",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("mention_key", sa.String(length=64), nullable=False),
        sa.Column("contractor_id", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_pins")),
    )
    op.create_index(
        "ix_contractor_pins_mention_key", "contractor_pins", ["mention_key"], unique=False
    )
    op.create_table(
        "contractors",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("license_key", sa.Text(), nullable=True),
        sa.Column("license_state", sa.String(length=2), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("zip", sa.String(length=5), nullable=True),
        sa.Column("county_fips", sa.String(length=5), nullable=True),
        sa.Column("permit_count", sa.Integer(), nullable=False),
        sa.Column("total_job_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("first_permit_date", sa.Date(), nullable=True),
        sa.Column("last_permit_date", sa.Date(), nullable=True),
        sa.Column("tag_counts", Json, nullable=False),
        sa.Column("classification_derived", Json, nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractors")),
    )
    op.create_index(
        "ix_contractors_last_permit_date_id",
        "contractors",
        ["last_permit_date", "id"],
        unique=False,
    )
    op.create_index(
        "ix_contractors_license_key_license_state",
        "contractors",
        ["license_key", "license_state"],
        unique=False,
    )
    op.create_index(
        "ix_contractors_state_name_key", "contractors", ["state", "name_key"], unique=False
    )
    op.create_table(
        "contractor_licenses",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("jurisdiction", sa.String(length=100), nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("source_record_id", sa.Text(), nullable=False),
        sa.Column("license_number", sa.Text(), nullable=True),
        sa.Column("license_key", sa.Text(), nullable=True),
        sa.Column("license_state", sa.Text(), nullable=True),
        sa.Column("license_type", sa.Text(), nullable=True),
        sa.Column("classifications", Json, nullable=False),
        sa.Column("classifications_raw", sa.Text(), nullable=True),
        sa.Column("status_raw", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("issued_date", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("expires_date", sa.Date(), nullable=True),
        sa.Column("inactive_date", sa.Date(), nullable=True),
        sa.Column("business_name", sa.Text(), nullable=True),
        sa.Column("dba_name", sa.Text(), nullable=True),
        sa.Column("entity_type", sa.Text(), nullable=True),
        sa.Column("person_name", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("original_address1", sa.Text(), nullable=True),
        sa.Column("original_address2", sa.Text(), nullable=True),
        sa.Column("original_city", sa.Text(), nullable=True),
        sa.Column("original_state", sa.Text(), nullable=True),
        sa.Column("original_zip", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("zip", sa.Text(), nullable=True),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("county_fips", sa.Text(), nullable=True),
        sa.Column("address_key", sa.Text(), nullable=True),
        sa.Column("bond_company", sa.Text(), nullable=True),
        sa.Column("bond_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("bond_expires_date", sa.Date(), nullable=True),
        sa.Column("insurance_company", sa.Text(), nullable=True),
        sa.Column("insurance_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("insurance_expires_date", sa.Date(), nullable=True),
        sa.Column("workers_comp_company", sa.Text(), nullable=True),
        sa.Column("workers_comp_expires_date", sa.Date(), nullable=True),
        sa.Column("workers_comp_exempt", sa.Boolean(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quality_flags", Json, nullable=False),
        sa.Column("raw", Json, nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("contractor_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.slug"], name=op.f("fk_contractor_licenses_dataset_datasets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_licenses")),
    )
    op.create_index(
        "ix_contractor_licenses_contractor_id",
        "contractor_licenses",
        ["contractor_id"],
        unique=False,
    )
    op.create_index(
        "ix_contractor_licenses_license_key_license_state",
        "contractor_licenses",
        ["license_key", "license_state"],
        unique=False,
    )
    op.create_index(
        "uq_contractor_licenses_dataset_source_record_id",
        "contractor_licenses",
        ["dataset", "source_record_id"],
        unique=True,
    )
    op.create_table(
        "contractor_mentions",
        sa.Column("mention_key", sa.String(length=64), nullable=False),
        sa.Column("contractor_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("license_key", sa.Text(), nullable=True),
        sa.Column("license_state", sa.String(length=2), nullable=True),
        sa.Column("phone_key", sa.String(length=10), nullable=True),
        sa.Column("address_key", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("match_method", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_contractor_mentions_contractor_id_contractors"),
        ),
        sa.PrimaryKeyConstraint("mention_key", name=op.f("pk_contractor_mentions")),
    )
    op.create_index(
        "ix_contractor_mentions_contractor_id",
        "contractor_mentions",
        ["contractor_id"],
        unique=False,
    )
    op.create_index(
        "ix_contractor_mentions_license_key_license_state",
        "contractor_mentions",
        ["license_key", "license_state"],
        unique=False,
    )
    op.create_index(
        "ix_contractor_mentions_phone_key", "contractor_mentions", ["phone_key"], unique=False
    )
    op.create_index(
        "ix_contractor_mentions_state_name_key",
        "contractor_mentions",
        ["state", "name_key"],
        unique=False,
    )
    op.create_table(
        "parcels",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("jurisdiction", sa.String(length=100), nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("source_record_id", sa.Text(), nullable=False),
        sa.Column("parcel_id", sa.Text(), nullable=True),
        sa.Column("parcel_key", sa.Text(), nullable=True),
        sa.Column("roll_year", sa.Integer(), nullable=True),
        sa.Column("land_use_raw", sa.Text(), nullable=True),
        sa.Column("property_type", sa.String(length=30), nullable=False),
        sa.Column("property_type_detail", sa.Text(), nullable=True),
        sa.Column("zoning", sa.Text(), nullable=True),
        sa.Column("owner_name", sa.Text(), nullable=True),
        sa.Column("owner_type", sa.String(length=30), nullable=False),
        sa.Column("original_address1", sa.Text(), nullable=True),
        sa.Column("original_address2", sa.Text(), nullable=True),
        sa.Column("original_city", sa.Text(), nullable=True),
        sa.Column("original_state", sa.Text(), nullable=True),
        sa.Column("original_zip", sa.Text(), nullable=True),
        sa.Column("street_number", sa.Text(), nullable=True),
        sa.Column("street_name", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("zip", sa.Text(), nullable=True),
        sa.Column("county_fips", sa.Text(), nullable=True),
        sa.Column("address_key", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("census_tract", sa.Text(), nullable=True),
        sa.Column("congressional_district", sa.Text(), nullable=True),
        sa.Column("neighborhood", sa.Text(), nullable=True),
        sa.Column("year_built", sa.Integer(), nullable=True),
        sa.Column("lot_size_sqft", sa.BigInteger(), nullable=True),
        sa.Column("building_area_sqft", sa.BigInteger(), nullable=True),
        sa.Column("stories", sa.Integer(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("bedrooms", sa.Integer(), nullable=True),
        sa.Column("bathrooms", sa.Float(), nullable=True),
        sa.Column("market_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("assessed_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("land_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("improvement_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("sale_date", sa.Date(), nullable=True),
        sa.Column("sale_price", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quality_flags", Json, nullable=False),
        sa.Column("raw", Json, nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.slug"], name=op.f("fk_parcels_dataset_datasets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcels")),
    )
    op.create_index("ix_parcels_address_key", "parcels", ["address_key"], unique=False)
    op.create_index(
        "ix_parcels_state_county_fips", "parcels", ["state", "county_fips"], unique=False
    )
    op.create_index("ix_parcels_state_parcel_key", "parcels", ["state", "parcel_key"], unique=False)
    op.create_index(
        "uq_parcels_dataset_source_record_id",
        "parcels",
        ["dataset", "source_record_id"],
        unique=True,
    )
    # plain ADD COLUMN, not a batch copy: copying permits would drop its full-text triggers
    op.add_column("permits", sa.Column("contractor_id", sa.String(length=40), nullable=True))
    op.add_column("permits", sa.Column("parcel_key", sa.Text(), nullable=True))
    _backfill_parcel_keys(op.get_bind())
    op.create_index(
        "ix_permits_contractor_id_issued_date_id",
        "permits",
        ["contractor_id", sa.column("issued_date").desc().nulls_last(), sa.column("id").desc()],
        unique=False,
    )
    op.create_index("ix_permits_state_parcel_key", "permits", ["state", "parcel_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_permits_state_parcel_key", table_name="permits")
    op.drop_index("ix_permits_contractor_id_issued_date_id", table_name="permits")
    op.drop_column("permits", "parcel_key")
    op.drop_column("permits", "contractor_id")
    op.drop_index("uq_parcels_dataset_source_record_id", table_name="parcels")
    op.drop_index("ix_parcels_state_parcel_key", table_name="parcels")
    op.drop_index("ix_parcels_state_county_fips", table_name="parcels")
    op.drop_index("ix_parcels_address_key", table_name="parcels")
    op.drop_table("parcels")
    op.drop_index("ix_contractor_mentions_state_name_key", table_name="contractor_mentions")
    op.drop_index("ix_contractor_mentions_phone_key", table_name="contractor_mentions")
    op.drop_index(
        "ix_contractor_mentions_license_key_license_state", table_name="contractor_mentions"
    )
    op.drop_index("ix_contractor_mentions_contractor_id", table_name="contractor_mentions")
    op.drop_table("contractor_mentions")
    op.drop_index(
        "uq_contractor_licenses_dataset_source_record_id", table_name="contractor_licenses"
    )
    op.drop_index(
        "ix_contractor_licenses_license_key_license_state", table_name="contractor_licenses"
    )
    op.drop_index("ix_contractor_licenses_contractor_id", table_name="contractor_licenses")
    op.drop_table("contractor_licenses")
    op.drop_index("ix_contractors_state_name_key", table_name="contractors")
    op.drop_index("ix_contractors_license_key_license_state", table_name="contractors")
    op.drop_index("ix_contractors_last_permit_date_id", table_name="contractors")
    op.drop_table("contractors")
    op.drop_index("ix_contractor_pins_mention_key", table_name="contractor_pins")
    op.drop_table("contractor_pins")
