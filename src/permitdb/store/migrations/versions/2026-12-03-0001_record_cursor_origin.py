"""record where each dataset's cursor came from (live portal or recordings)

A cursor the demo left from the bundled recordings must not steer a live sync: it would ask
the portal only for rows newer than the recording's last date. Rows from before this revision
get no origin, which every sync treats as foreign, so the first sync after upgrading reads
the whole dataset once.

Revision ID: 2026_12_03_0001
Revises: 2026_12_02_0004
Create Date: 2026-12-03 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_03_0001"
down_revision = "2026_12_02_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_state") as batch:
        batch.add_column(sa.Column("origin", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("ingest_state") as batch:
        batch.drop_column("origin")
