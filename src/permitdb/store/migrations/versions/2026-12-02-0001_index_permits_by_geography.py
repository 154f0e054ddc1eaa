"""index permits for the geography filters: ZIP in listing order, county, location

Revision ID: 2026_12_02_0001
Revises: 2026_11_23_0003
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_02_0001"
down_revision = "2026_11_23_0003"
branch_labels = None
depends_on = None

# the permit listing's order: issued_date DESC NULLS LAST, id DESC (see store.dialects)
LISTING_ORDER: tuple[sa.ColumnElement[object], ...] = (
    sa.column("issued_date").desc().nulls_last(),
    sa.column("id").desc(),
)


def upgrade() -> None:
    op.create_index("ix_permits_zip_issued_date_id", "permits", [sa.column("zip"), *LISTING_ORDER])
    op.create_index("ix_permits_county_fips", "permits", ["county_fips"])
    op.create_index("ix_permits_latitude_longitude", "permits", ["latitude", "longitude"])


def downgrade() -> None:
    for name in (
        "ix_permits_latitude_longitude",
        "ix_permits_county_fips",
        "ix_permits_zip_issued_date_id",
    ):
        op.drop_index(name, table_name="permits")
