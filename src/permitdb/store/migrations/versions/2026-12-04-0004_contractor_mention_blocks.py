"""contractor mentions gain the block key fuzzy name matching fetches candidates by, and an
index on their address key: resolution looks both up per page instead of scanning mentions

Revision ID: 2026_12_04_0004
Revises: 2026_12_03_0003
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_04_0004"
down_revision = "2026_12_03_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Mentions written before this revision have no block: none exist outside tests, since
    # nothing resolved contractors before it.
    with op.batch_alter_table("contractor_mentions") as batch:
        batch.add_column(sa.Column("block_key", sa.Text(), nullable=True))
    op.create_index(
        "ix_contractor_mentions_state_block_key",
        "contractor_mentions",
        ["state", "block_key"],
    )
    op.create_index("ix_contractor_mentions_address_key", "contractor_mentions", ["address_key"])


def downgrade() -> None:
    op.drop_index("ix_contractor_mentions_address_key", table_name="contractor_mentions")
    op.drop_index("ix_contractor_mentions_state_block_key", table_name="contractor_mentions")
    with op.batch_alter_table("contractor_mentions") as batch:
        batch.drop_column("block_key")
