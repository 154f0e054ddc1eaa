"""index permits by (state, parcel_id): new-construction parcels look up permits by parcel

Revision ID: 2026_11_23_0002
Revises: 2026_11_23_0001
Create Date: 2026-11-23 12:30:00
"""

from __future__ import annotations

from alembic import op

revision = "2026_11_23_0002"
down_revision = "2026_11_23_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_permits_state_parcel_id", "permits", ["state", "parcel_id"])


def downgrade() -> None:
    op.drop_index("ix_permits_state_parcel_id", table_name="permits")
