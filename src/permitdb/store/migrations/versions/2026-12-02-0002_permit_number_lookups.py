"""permit_number_key and permit_number_shape on permits, backfilled: lookups by permit number

Revision ID: 2026_12_02_0002
Revises: 2026_12_02_0001
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa
from alembic import op

from permitdb.normalize.permit_numbers import permit_number_key, permit_number_shape

revision = "2026_12_02_0002"
down_revision = "2026_12_02_0001"
branch_labels = None
depends_on = None

BATCH: Final = 5000
INDEXES: Final = {
    "ix_permits_permit_number_key_jurisdiction": ["permit_number_key", "jurisdiction"],
    "ix_permits_permit_number_shape_jurisdiction": ["permit_number_shape", "jurisdiction"],
}

# Only the columns this migration reads and writes, as they are at this revision.
permits = sa.table(
    "permits",
    sa.column("seq", sa.Integer),
    sa.column("permit_number", sa.Text),
    sa.column("permit_number_key", sa.Text),
    sa.column("permit_number_shape", sa.Text),
)


def _backfill(conn: sa.Connection) -> None:
    """Fill both columns in Python, by seq ranges: SQL has no portable case-fold, and the key
    must be exactly what ``normalize.permit_numbers`` computes at lookup time."""
    last = 0
    while True:
        rows = conn.execute(
            sa.select(permits.c.seq, permits.c.permit_number)
            .where(permits.c.seq > last, permits.c.permit_number.is_not(None))
            .order_by(permits.c.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            sa.update(permits)
            .where(permits.c.seq == sa.bindparam("target_seq"))
            .values(
                permit_number_key=sa.bindparam("key"), permit_number_shape=sa.bindparam("shape")
            ),
            [
                {
                    "target_seq": row.seq,
                    "key": permit_number_key(row.permit_number),
                    "shape": permit_number_shape(row.permit_number),
                }
                for row in rows
            ],
        )
        last = rows[-1].seq


def upgrade() -> None:
    # plain ADD COLUMN, not a batch copy: SQLite adds a nullable column in place, and copying
    # the table would drop the full-text triggers defined on it
    for name in ("permit_number_key", "permit_number_shape"):
        op.add_column("permits", sa.Column(name, sa.Text(), nullable=True))
    _backfill(op.get_bind())
    for name, columns in INDEXES.items():
        op.create_index(name, "permits", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="permits")
    with op.batch_alter_table("permits", recreate="never") as batch:
        for name in ("permit_number_shape", "permit_number_key"):
            batch.drop_column(name)
