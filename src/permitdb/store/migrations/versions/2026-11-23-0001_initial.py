"""initial schema: datasets, permits + tags + full text, ingest runs/state, quarantine, api keys

Revision ID: 2026_11_23_0001
Revises:
Create Date: 2026-11-23 00:01:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from permitdb.store import dialects

revision = "2026_11_23_0001"
down_revision = None
branch_labels = None
depends_on = None

# Types spelled out here, not imported from tables.py: a migration is frozen in time.
Json = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Money = sa.Numeric(16, 2)
UtcDateTime = sa.DateTime(timezone=True)
# the permit listing's order: issued_date DESC NULLS LAST, id DESC (see store.dialects)
LISTING_ORDER: tuple[sa.ColumnElement[object], ...] = (
    sa.column("issued_date").desc().nulls_last(),
    sa.column("id").desc(),
)


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("jurisdiction", sa.String(100), nullable=False),
        sa.Column("jurisdiction_name", sa.Text(), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("record_class", sa.String(40), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("registered_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("slug", name="pk_datasets"),
    )
    op.create_index("ix_datasets_jurisdiction", "datasets", ["jurisdiction"])

    op.create_table(
        "permits",
        sa.Column("seq", Serial, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("jurisdiction", sa.String(100), nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("source_record_id", sa.Text(), nullable=False),
        sa.Column("record_class", sa.String(40), nullable=False),
        *(
            sa.Column(name, sa.Text())
            for name in (
                "permit_number",
                "permit_type",
                "permit_type_desc",
                "permit_subtype",
                "permit_class",
                "work_class",
                "proposed_use",
                "description",
                "master_permit_number",
                "status_raw",
            )
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_phase", sa.String(10), nullable=False),
        sa.Column("tags", Json, nullable=False),
        sa.Column("category", sa.String(30)),
        sa.Column("property_class", sa.String(20), nullable=False),
        sa.Column("classification_rules", Json, nullable=False),
        *(
            sa.Column(name, sa.Date())
            for name in (
                "applied_date",
                "issued_date",
                "finaled_date",
                "expires_date",
                "status_date",
                "co_issued_date",
            )
        ),
        sa.Column("valuation", Money),
        sa.Column("fees", Money),
        sa.Column("housing_units", sa.Integer()),
        sa.Column("square_feet", sa.BigInteger()),
        sa.Column("stories", sa.Integer()),
        *(
            sa.Column(name, sa.Text())
            for name in (
                "original_address1",
                "original_address2",
                "original_city",
                "original_state",
                "original_zip",
                "street_number",
                "street_name",
                "unit",
                "address",
                "city",
            )
        ),
        sa.Column("state", sa.String(2)),
        sa.Column("zip", sa.String(5)),
        sa.Column("county_fips", sa.String(5)),
        sa.Column("address_key", sa.Text()),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("location_source", sa.String(30)),
        sa.Column("parcel_id", sa.Text()),
        sa.Column("contractor_name", sa.Text()),
        sa.Column("contractor_license", sa.Text()),
        sa.Column("contractor_license_state", sa.String(2)),
        *(
            sa.Column(name, sa.Text())
            for name in (
                "contractor_trade",
                "contractor_phone",
                "contractor_address",
                "owner_name",
                "owner_phone",
                "applicant_name",
                "source_url",
            )
        ),
        sa.Column("source_updated_at", UtcDateTime),
        sa.Column("fetched_at", UtcDateTime, nullable=False),
        sa.Column("first_seen_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("quality_flags", Json, nullable=False),
        sa.Column("raw", Json, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["dataset"], ["datasets.slug"], name="fk_permits_dataset_datasets"),
        sa.PrimaryKeyConstraint("seq", name="pk_permits"),
        sa.UniqueConstraint("id", name="uq_permits_id"),
    )
    op.create_index(
        "uq_permits_dataset_source_record_id",
        "permits",
        ["dataset", "source_record_id"],
        unique=True,
    )
    op.create_index("ix_permits_issued_date_id", "permits", [*LISTING_ORDER])
    for column in ("state", "jurisdiction"):
        op.create_index(
            f"ix_permits_{column}_issued_date_id", "permits", [sa.column(column), *LISTING_ORDER]
        )
    for column in ("applied_date", "status", "address_key", "permit_number", "updated_at"):
        op.create_index(f"ix_permits_{column}", "permits", [column])
    for statement in dialects.fulltext_ddl(op.get_bind().dialect):
        op.execute(statement)

    op.create_table(
        "permit_tags",
        sa.Column("permit_seq", Serial, nullable=False),
        sa.Column("tag", sa.String(30), nullable=False),
        sa.ForeignKeyConstraint(
            ["permit_seq"],
            ["permits.seq"],
            name="fk_permit_tags_permit_seq_permits",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("permit_seq", "tag", name="pk_permit_tags"),
    )
    op.create_index("ix_permit_tags_tag_permit_seq", "permit_tags", ["tag", "permit_seq"])

    op.create_table(
        "ingest_runs",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("fetched", "inserted", "updated", "unchanged", "rejected")
        ),
        sa.Column("cursor_before", sa.Text()),
        sa.Column("cursor_after", sa.Text()),
        sa.Column("error", sa.Text()),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.slug"], name="fk_ingest_runs_dataset_datasets"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ingest_runs"),
    )
    op.create_index("ix_ingest_runs_dataset", "ingest_runs", ["dataset"])

    op.create_table(
        "ingest_state",
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("cursor_value", sa.Text()),
        sa.Column("pending_cursor_value", sa.Text()),
        sa.Column("since", sa.Text()),
        sa.Column("resume", Json),
        sa.Column("run_id", Serial),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.slug"], name="fk_ingest_state_dataset_datasets"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_runs.id"], name="fk_ingest_state_run_id_ingest_runs"
        ),
        sa.PrimaryKeyConstraint("dataset", name="pk_ingest_state"),
    )

    op.create_table(
        "quarantine",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("run_id", Serial, nullable=False),
        sa.Column("source_record_id", sa.Text()),
        sa.Column("reason_code", sa.String(50), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("field", sa.Text()),
        sa.Column("raw", Json, nullable=False),
        sa.Column("raw_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.slug"], name="fk_quarantine_dataset_datasets"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_runs.id"], name="fk_quarantine_run_id_ingest_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_quarantine"),
    )
    op.create_index(
        "uq_quarantine_dataset_raw_hash_reason",
        "quarantine",
        ["dataset", "raw_hash", "reason_code"],
        unique=True,
    )

    op.create_table(
        "api_keys",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("scopes", Json, nullable=False),
        sa.Column("monthly_quota", sa.Integer()),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("last_used_at", UtcDateTime),
        sa.Column("revoked_at", UtcDateTime),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )


def downgrade() -> None:
    for table in ("api_keys", "quarantine", "ingest_state", "ingest_runs", "permit_tags"):
        op.drop_table(table)
    for statement in dialects.fulltext_drop_ddl(op.get_bind().dialect):
        op.execute(statement)
    op.drop_table("permits")
    op.drop_table("datasets")
