"""Every table, as SQLAlchemy Core, one module per noun; Alembic migrations (store/migrations)
create them.

Importing this package declares every table on ``metadata`` (what the migrations and
tests/store/test_migrations.py compare the database with), so ``from permitdb.store.tables
import permits`` and ``tables.permits`` work wherever a table is used. ``permits`` has one
column per ``PermitRecord`` field (tests/store/test_migrations.py checks). Full-text objects
(FTS5 table and triggers on SQLite, a tsvector column and GIN index on PostgreSQL) are created
by the migrations through ``store.dialects``, which also holds the column type variants used
here.
"""

from __future__ import annotations

from permitdb.store.tables.api_keys import api_keys
from permitdb.store.tables.base import Money, UtcDateTime, metadata
from permitdb.store.tables.contractor_pins import contractor_pins
from permitdb.store.tables.contractors import CONTRACTOR_ORDER, contractor_mentions, contractors
from permitdb.store.tables.datasets import datasets
from permitdb.store.tables.ingest_state import ingest_runs, ingest_state
from permitdb.store.tables.jurisdiction_requests import (
    REQUEST_ORDER,
    jurisdiction_request_votes,
    jurisdiction_requests,
)
from permitdb.store.tables.licenses import contractor_licenses
from permitdb.store.tables.parcels import parcels
from permitdb.store.tables.permit_changes import permit_changes
from permitdb.store.tables.permits import DERIVED_COLUMNS, LISTING_ORDER, permit_tags, permits
from permitdb.store.tables.place_metrics import place_metrics, place_refreshes
from permitdb.store.tables.places import place_links, places
from permitdb.store.tables.quarantine import quarantine

__all__ = [
    "CONTRACTOR_ORDER",
    "DERIVED_COLUMNS",
    "LISTING_ORDER",
    "REQUEST_ORDER",
    "Money",
    "UtcDateTime",
    "api_keys",
    "contractor_licenses",
    "contractor_mentions",
    "contractor_pins",
    "contractors",
    "datasets",
    "ingest_runs",
    "ingest_state",
    "jurisdiction_request_votes",
    "jurisdiction_requests",
    "metadata",
    "parcels",
    "permit_changes",
    "permit_tags",
    "permits",
    "place_links",
    "place_metrics",
    "place_refreshes",
    "places",
    "quarantine",
]
