"""places: the geo ids permits are in, how places relate, and their monthly metrics rollups

Revision ID: 2026_12_04_0006
Revises: 2026_12_04_0005
Create Date: 2026-12-04 01:00:00

The tables start empty; each dataset's next sync fills them from all its stored permits
(``place_refreshes`` has no row for it yet), so nothing is backfilled here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "2026_12_04_0006"
down_revision = "2026_12_04_0005"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("geo_id", sa.String(length=130), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("permit_count", sa.Integer(), nullable=False),
        sa.Column("parents", Json, nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("type", "key", name=op.f("pk_places")),
    )
    op.create_index("ix_places_geo_id", "places", ["geo_id"], unique=False)
    op.create_index("ix_places_search_key", "places", ["search_key"], unique=False)
    op.create_index("ix_places_type_search_key", "places", ["type", "search_key"], unique=False)
    op.create_table(
        "place_links",
        sa.Column("geo_id", sa.String(length=130), nullable=False),
        sa.Column("related_id", sa.String(length=130), nullable=False),
        sa.PrimaryKeyConstraint("geo_id", "related_id", name=op.f("pk_place_links")),
    )
    op.create_table(
        "place_metrics",
        sa.Column("geo_id", sa.String(length=130), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("property_type", sa.String(length=30), nullable=False),
        sa.Column("tag", sa.String(length=30), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("permit_count", sa.Integer(), nullable=False),
        sa.Column("job_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("fees", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("median_approval_days", sa.Float(), nullable=True),
        sa.Column("median_construction_days", sa.Float(), nullable=True),
        sa.Column("active_contractors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "geo_id", "months", "property_type", "tag", "month", name=op.f("pk_place_metrics")
        ),
    )
    op.create_index(
        "ix_place_metrics_months_month", "place_metrics", ["months", "month"], unique=False
    )
    op.create_table(
        "place_refreshes",
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("refreshed_through", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.slug"], name=op.f("fk_place_refreshes_dataset_datasets")
        ),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_place_refreshes")),
    )


def downgrade() -> None:
    op.drop_table("place_refreshes")
    op.drop_index("ix_place_metrics_months_month", table_name="place_metrics")
    op.drop_table("place_metrics")
    op.drop_table("place_links")
    op.drop_index("ix_places_type_search_key", table_name="places")
    op.drop_index("ix_places_search_key", table_name="places")
    op.drop_index("ix_places_geo_id", table_name="places")
    op.drop_table("places")
