"""API key lifecycle: expiry, disabling, and a rotated key's previous hash with its grace end

Revision ID: 2026_12_04_0007
Revises: 2026_12_04_0006
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_04_0007"
down_revision = "2026_12_04_0006"
branch_labels = None
depends_on = None

UtcDateTime = sa.DateTime(timezone=True)
COLUMNS = ("expires_at", "disabled_at", "previous_key_expires_at")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("api_keys", sa.Column(name, UtcDateTime))
    op.add_column("api_keys", sa.Column("previous_key_hash", sa.String(64)))
    # a unique index, not a constraint: SQLite adds one without rebuilding the table
    op.create_index("ix_api_keys_previous_key_hash", "api_keys", ["previous_key_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_api_keys_previous_key_hash", table_name="api_keys")
    for name in ("previous_key_hash", *COLUMNS):
        op.drop_column("api_keys", name)
