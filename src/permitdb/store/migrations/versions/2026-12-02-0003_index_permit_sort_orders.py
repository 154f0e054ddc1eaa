"""index every sort= order of the permit listing: (column DESC NULLS LAST, id DESC) per column

Revision ID: 2026_12_02_0003
Revises: 2026_12_02_0002
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_02_0003"
down_revision = "2026_12_02_0002"
branch_labels = None
depends_on = None

# issued_date has its index since the first migration; store.sorts reads each backwards too
COLUMNS = ("applied_date", "finaled_date", "valuation", "updated_at")


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(
            f"ix_permits_{column}_id",
            "permits",
            [sa.column(column).desc().nulls_last(), sa.column("id").desc()],
        )


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_permits_{column}_id", table_name="permits")
