"""Places' monthly metrics (``store.place_metrics``) and how far each dataset is in them."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
)

from permitdb.store.tables.base import Money, UtcDateTime, metadata

# Rollups kept at ingest (store.place_metrics): per place, month, property type and tag, with
# ``all`` rows for every property type and every tag. ``months`` is 1 for a calendar month and
# 12 for the current snapshot (the 12 months ending with ``month``).
place_metrics = Table(
    "place_metrics",
    metadata,
    Column("geo_id", String(130), nullable=False),
    Column("months", Integer, nullable=False),
    Column("property_type", String(30), nullable=False),
    Column("tag", String(30), nullable=False),
    Column("month", Date, nullable=False),
    Column("permit_count", Integer, nullable=False),
    Column("job_value", Money),
    Column("fees", Money),
    Column("median_approval_days", Float),
    Column("median_construction_days", Float),
    Column("active_contractors", Integer, nullable=False),
    PrimaryKeyConstraint("geo_id", "months", "property_type", "tag", "month"),
    Index("ix_place_metrics_months_month", "months", "month"),
)

# How far each dataset's permits are in the places and rollups: its newest updated_at then.
place_refreshes = Table(
    "place_refreshes",
    metadata,
    Column("dataset", String(200), ForeignKey("datasets.slug"), primary_key=True),
    Column("refreshed_through", UtcDateTime(), nullable=False),
)
