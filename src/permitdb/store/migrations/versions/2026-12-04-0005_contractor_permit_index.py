"""index the contractor listing's order: (last_permit_date DESC NULLS LAST, id DESC), alone and
under a state, a ZIP and a county; a contractor's permits already have
ix_permits_contractor_id_issued_date_id

Revision ID: 2026_12_04_0005
Revises: 2026_12_04_0004
Create Date: 2026-12-04 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_04_0005"
down_revision = "2026_12_04_0004"
branch_labels = None
depends_on = None

ORDER = ("last_permit_date", "id")
# the listing under each filter the API most often starts from
PREFIXES = ("state", "zip", "county_fips")


def _order() -> list[sa.ColumnElement[object]]:
    return [sa.column("last_permit_date").desc().nulls_last(), sa.column("id").desc()]


def upgrade() -> None:
    # ascending, PostgreSQL read it backwards as NULLS FIRST: licence-only contractors on top
    op.drop_index("ix_contractors_last_permit_date_id", table_name="contractors")
    op.create_index("ix_contractors_last_permit_date_id", "contractors", _order())
    for prefix in PREFIXES:
        op.create_index(
            f"ix_contractors_{prefix}_last_permit_date_id",
            "contractors",
            [sa.column(prefix), *_order()],
        )


def downgrade() -> None:
    for prefix in PREFIXES:
        op.drop_index(f"ix_contractors_{prefix}_last_permit_date_id", table_name="contractors")
    op.drop_index("ix_contractors_last_permit_date_id", table_name="contractors")
    op.create_index("ix_contractors_last_permit_date_id", "contractors", list(ORDER))
