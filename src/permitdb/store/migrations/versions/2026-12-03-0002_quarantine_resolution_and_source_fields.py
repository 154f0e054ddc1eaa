"""quarantine entries are resolved when their row loads; each dataset keeps the source fields
it has seen, so a field that disappears or changes type is caught as schema drift

Revision ID: 2026_12_03_0002
Revises: 2026_12_03_0001
Create Date: 2026-12-03 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "2026_12_03_0002"
down_revision = "2026_12_03_0001"
branch_labels = None
depends_on = None

Json = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_quarantine_dataset_source_record_id", "quarantine", ["dataset", "source_record_id"]
    )
    with op.batch_alter_table("ingest_state") as batch:
        batch.add_column(sa.Column("source_fields", Json))


def downgrade() -> None:
    with op.batch_alter_table("ingest_state") as batch:
        batch.drop_column("source_fields")
    op.drop_index("ix_quarantine_dataset_source_record_id", table_name="quarantine")
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_column("resolved_at")
