"""Jurisdiction requests and their votes (``store.jurisdiction_requests``)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from permitdb.store.dialects import Serial
from permitdb.store.tables.base import UtcDateTime, metadata

# Jurisdictions users ask permitdb to cover, with one vote per API key.
jurisdiction_requests = Table(
    "jurisdiction_requests",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("name_key", String(200), nullable=False),  # "St. Louis" and "st louis": "st louis"
    Column("state", String(2), nullable=False),
    Column("name", Text, nullable=False),  # as the first requester wrote it
    Column("status", String(20), nullable=False),  # requested | planned | covered | declined
    # kept in step with the votes in the same transaction, so the listing pages off an index
    Column("request_count", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("uq_jurisdiction_requests_name_key_state", "name_key", "state", unique=True),
)
# The request listing's order: most votes first, the earlier request first among equals.
REQUEST_ORDER = (jurisdiction_requests.c.request_count.desc(), jurisdiction_requests.c.id)
Index("ix_jurisdiction_requests_request_count_id", *REQUEST_ORDER)

jurisdiction_request_votes = Table(
    "jurisdiction_request_votes",
    metadata,
    Column(
        "request_id",
        Serial,
        ForeignKey("jurisdiction_requests.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("api_key_id", Serial, ForeignKey("api_keys.id"), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("request_id", "api_key_id"),
)
