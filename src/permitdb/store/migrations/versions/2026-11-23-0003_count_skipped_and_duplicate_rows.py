"""count skipped and duplicate rows per ingest run, so every fetched record is accounted for

Revision ID: 2026_11_23_0003
Revises: 2026_11_23_0002
Create Date: 2026-11-23 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_11_23_0003"
down_revision = "2026_11_23_0002"
branch_labels = None
depends_on = None

COLUMNS = ("skipped", "duplicates")


def upgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
