"""Operators' contractor decisions (``store.contractor_pins``)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from permitdb.store.dialects import Serial
from permitdb.store.tables.base import UtcDateTime, metadata

# An operator's decision, kept across re-ingests: ``merge`` sends a mention to a contractor,
# ``split`` keeps it away from one (``permitdb contractors merge/split``).
contractor_pins = Table(
    "contractor_pins",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # merge | split
    Column("mention_key", String(64), nullable=False),
    Column("contractor_id", String(40), nullable=False),
    Column("note", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_contractor_pins_mention_key", "mention_key"),
)
