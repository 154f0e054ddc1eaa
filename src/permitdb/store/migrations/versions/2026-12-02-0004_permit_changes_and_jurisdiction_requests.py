"""permit history (one row per changed field a re-sync sees) and jurisdiction requests with votes

Revision ID: 2026_12_02_0004
Revises: 2026_12_02_0003
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_12_02_0004"
down_revision = "2026_12_02_0003"
branch_labels = None
depends_on = None

# Types spelled out here, not imported from tables.py: a migration is frozen in time.
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UtcDateTime = sa.DateTime(timezone=True)


def _references(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """A foreign key named as tables.metadata's naming convention names it."""
    name = f"fk_{table}_{column}_{target.split('.')[0]}"
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "permit_changes",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("permit_seq", Serial, nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("observed_at", UtcDateTime, nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.Column("run_id", Serial),
        _references("permit_changes", "permit_seq", "permits.seq", ondelete="CASCADE"),
        _references("permit_changes", "dataset", "datasets.slug"),
        _references("permit_changes", "run_id", "ingest_runs.id"),
        sa.PrimaryKeyConstraint("id", name="pk_permit_changes"),
    )
    op.create_index(
        "ix_permit_changes_permit_seq_observed_at_id",
        "permit_changes",
        ["permit_seq", "observed_at", "id"],
    )

    op.create_table(
        "jurisdiction_requests",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("request_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_jurisdiction_requests"),
    )
    op.create_index(
        "uq_jurisdiction_requests_name_key_state",
        "jurisdiction_requests",
        ["name_key", "state"],
        unique=True,
    )
    op.create_index(
        "ix_jurisdiction_requests_request_count_id",
        "jurisdiction_requests",
        [sa.column("request_count").desc(), sa.column("id")],
    )
    op.create_table(
        "jurisdiction_request_votes",
        sa.Column("request_id", Serial, nullable=False),
        sa.Column("api_key_id", Serial, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        _references(
            "jurisdiction_request_votes",
            "request_id",
            "jurisdiction_requests.id",
            ondelete="CASCADE",
        ),
        _references("jurisdiction_request_votes", "api_key_id", "api_keys.id"),
        sa.PrimaryKeyConstraint("request_id", "api_key_id", name="pk_jurisdiction_request_votes"),
    )


def downgrade() -> None:
    op.drop_table("jurisdiction_request_votes")
    op.drop_table("jurisdiction_requests")
    op.drop_table("permit_changes")
