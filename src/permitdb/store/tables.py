"""Every table, as SQLAlchemy Core. Alembic migrations (store/migrations) create them.

``permits`` has one column per ``PermitRecord`` field (tests/store/test_migrations.py checks), an
integer surrogate ``seq`` (SQLite FTS5 needs an integer rowid) and the public text ``id``.
Full-text objects (FTS5 table and triggers on SQLite, a tsvector column and GIN index on
PostgreSQL) are created by the migrations through ``store.dialects``, which also holds the
column type variants used here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import UnionType
from typing import Any, Final, Literal, Union, get_args, get_origin, get_type_hints

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

from permitdb.canonical import LicenseRecord, ParcelRecord
from permitdb.store.dialects import Json, Serial

# A naming convention makes constraint names deterministic, so SQLite batch migrations work.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite keeps no decimal type: values are stored as REAL and read back through "%.2f", exact
# up to 15 significant digits (under ten trillion dollars with cents).
Money = Numeric(16, 2)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime in, an aware UTC datetime out, on every engine.

    SQLite stores the wall-clock digits and drops the offset, and PostgreSQL answers in the
    session's time zone; converting to UTC on the way in and out makes both round-trip exactly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()}: the store takes aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


datasets = Table(
    "datasets",
    metadata,
    Column("slug", String(200), primary_key=True),  # "<jurisdiction>/<dataset>"
    Column("jurisdiction", String(100), nullable=False, index=True),
    Column("jurisdiction_name", Text, nullable=False),
    Column("state", String(2), nullable=False),
    Column("name", Text, nullable=False),
    Column("platform", String(20), nullable=False),
    Column("record_class", String(40), nullable=False),
    Column("source_url", Text, nullable=False),  # redacted of secrets
    Column("registered_at", UtcDateTime(), nullable=False),
)

permits = Table(
    "permits",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("jurisdiction", String(100), nullable=False),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False),
    Column("source_record_id", Text, nullable=False),
    Column("record_class", String(40), nullable=False),
    Column("permit_number", Text),
    Column("permit_type", Text),
    Column("permit_type_desc", Text),
    Column("permit_subtype", Text),
    Column("permit_class", Text),
    Column("work_class", Text),
    Column("proposed_use", Text),
    Column("description", Text),
    Column("master_permit_number", Text),
    Column("status_raw", Text),
    Column("status", String(20), nullable=False),
    Column("status_phase", String(10), nullable=False),
    Column("tags", Json, nullable=False),
    Column("category", String(30)),
    Column("property_class", String(20), nullable=False),
    Column("classification_rules", Json, nullable=False),
    Column("applied_date", Date),
    Column("issued_date", Date),
    Column("finaled_date", Date),
    Column("expires_date", Date),
    Column("status_date", Date),
    Column("co_issued_date", Date),
    Column("valuation", Money),
    Column("fees", Money),
    Column("housing_units", Integer),
    Column("square_feet", BigInteger),
    Column("stories", Integer),
    Column("original_address1", Text),
    Column("original_address2", Text),
    Column("original_city", Text),
    Column("original_state", Text),
    Column("original_zip", Text),
    Column("street_number", Text),
    Column("street_name", Text),
    Column("unit", Text),
    Column("address", Text),
    Column("city", Text),
    Column("state", String(2)),
    Column("zip", String(5)),
    Column("county_fips", String(5)),
    Column("address_key", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("location_source", String(30)),
    Column("parcel_id", Text),
    Column("contractor_name", Text),
    Column("contractor_license", Text),
    Column("contractor_license_state", String(2)),
    Column("contractor_trade", Text),
    Column("contractor_phone", Text),
    Column("contractor_address", Text),
    Column("owner_name", Text),
    Column("owner_phone", Text),
    Column("applicant_name", Text),
    Column("contractor_id", String(40)),
    Column("source_url", Text),
    Column("source_updated_at", UtcDateTime()),
    Column("fetched_at", UtcDateTime(), nullable=False),
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("quality_flags", Json, nullable=False),
    Column("raw", Json, nullable=False),
    Column("content_hash", String(64), nullable=False),
    # derived by the store from permit_number (normalize.permit_numbers), for lookups by number
    Column("permit_number_key", Text),
    Column("permit_number_shape", Text),
    # derived by the store from parcel_id (normalize.parcel_keys): the key parcels join on
    Column("parcel_key", Text),
    Index("uq_permits_dataset_source_record_id", "dataset", "source_record_id", unique=True),
    Index("ix_permits_applied_date", "applied_date"),
    Index("ix_permits_status", "status"),
    Index("ix_permits_address_key", "address_key"),
    Index("ix_permits_permit_number", "permit_number"),
    # new-construction parcels are shown only while no permit shares their parcel
    # (store.new_construction)
    Index("ix_permits_state_parcel_id", "state", "parcel_id"),
    Index("ix_permits_updated_at", "updated_at"),  # updated_since: clients syncing changes
    # by number, with or without a jurisdiction: one index range either way
    Index("ix_permits_permit_number_key_jurisdiction", "permit_number_key", "jurisdiction"),
    # which jurisdictions use a shape: one index seek per jurisdiction (store.permit_numbers)
    Index("ix_permits_permit_number_shape_jurisdiction", "permit_number_shape", "jurisdiction"),
)
# Columns of ``permits`` that are no PermitRecord field: the store derives them.
DERIVED_COLUMNS = ("permit_number_key", "permit_number_shape", "parcel_key")
# The permit listing's keyset order, unfiltered and under its two most common filters.
LISTING_ORDER = (permits.c.issued_date.desc().nulls_last(), permits.c.id.desc())
Index("ix_permits_issued_date_id", *LISTING_ORDER)
Index("ix_permits_state_issued_date_id", permits.c.state, *LISTING_ORDER)
Index("ix_permits_jurisdiction_issued_date_id", permits.c.jurisdiction, *LISTING_ORDER)
# Geography filters: a ZIP page in listing order, counties, and a latitude range for
# bounding boxes, radii and polygons (longitude checked within it).
Index("ix_permits_zip_issued_date_id", permits.c.zip, *LISTING_ORDER)
Index("ix_permits_county_fips", permits.c.county_fips)
Index("ix_permits_latitude_longitude", permits.c.latitude, permits.c.longitude)
# A contractor's permits, newest first; a permit's parcel by its normalized key.
Index("ix_permits_contractor_id_issued_date_id", permits.c.contractor_id, *LISTING_ORDER)
Index("ix_permits_state_parcel_key", permits.c.state, permits.c.parcel_key)
# The other sort= orders (store.sorts): one index each, read forwards or backwards.
for _column in ("applied_date", "finaled_date", "valuation", "updated_at"):
    Index(f"ix_permits_{_column}_id", permits.c[_column].desc().nulls_last(), permits.c.id.desc())

# One row per (permit, tag): a portable, indexable way to filter by tag on both engines.
permit_tags = Table(
    "permit_tags",
    metadata,
    Column("permit_seq", Serial, ForeignKey("permits.seq", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(30), primary_key=True),
    Index("ix_permit_tags_tag_permit_seq", "tag", "permit_seq"),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False, index=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    # running | succeeded | failed | incomplete | drifted | interrupted (docs/ingest-runs.md)
    Column("status", String(20), nullable=False),
    Column("mode", String(20), nullable=False),  # incremental | full | resumed
    Column("fetched", Integer, nullable=False, default=0),
    Column("inserted", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    # rows the dataset's definition leaves out, and repeats of a key within one page: with
    # these, fetched = inserted + updated + unchanged + rejected + skipped + duplicates
    Column("skipped", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("cursor_before", Text),
    Column("cursor_after", Text),
    Column("error", Text),
)

# Committed in the same transaction as each page's records: the resume point of a sync.
ingest_state = Table(
    "ingest_state",
    metadata,
    Column("dataset", String(200), ForeignKey("datasets.slug"), primary_key=True),
    Column("cursor_value", Text),  # high-water mark of the last completed sync
    Column("pending_cursor_value", Text),  # high-water mark so far in the running sync
    Column("since", Text),  # the `since` the running sync started with
    Column("resume", Json),  # Page.resume of the last committed page; null when idle
    Column("run_id", Serial, ForeignKey("ingest_runs.id")),
    Column("updated_at", UtcDateTime(), nullable=False),
    # Where cursor_value and resume came from: live | recordings (null: stored before the
    # origin was recorded). A sync never goes on from another origin's cursor.
    Column("origin", String(20)),
    # every source field seen so far, with its value kinds (ingest/contract.py): the schema
    # contract a later page is checked against
    Column("source_fields", Json),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False),
    Column("run_id", Serial, ForeignKey("ingest_runs.id"), nullable=False),
    Column("source_record_id", Text),
    Column("reason_code", String(50), nullable=False),
    Column("message", Text, nullable=False),
    Column("field", Text),
    Column("raw", Json, nullable=False),
    Column("raw_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    # set when the record loads after all (a catalog fix, or the portal fixed the row)
    Column("resolved_at", UtcDateTime()),
    Index("ix_quarantine_dataset_source_record_id", "dataset", "source_record_id"),
    # a record rejected again for the same reason is not stored twice
    Index(
        "uq_quarantine_dataset_raw_hash_reason", "dataset", "raw_hash", "reason_code", unique=True
    ),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("prefix", String(16), nullable=False),  # shown in listings: "pdb_live_ab12"
    Column("key_hash", String(64), nullable=False, unique=True),  # HMAC-SHA256, never the key
    Column("scopes", Json, nullable=False),
    Column("monthly_quota", Integer),  # null: unlimited
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
    Column("is_demo", Boolean, nullable=False, default=False),
)

# One row per canonical field a re-sync saw change (store.permit_changes): the permit's history.
permit_changes = Table(
    "permit_changes",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("permit_seq", Serial, ForeignKey("permits.seq", ondelete="CASCADE"), nullable=False),
    Column("dataset", String(200), ForeignKey("datasets.slug"), nullable=False),
    Column("observed_at", UtcDateTime(), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old_value", Text),  # JSON text; NULL when the field was empty
    Column("new_value", Text),
    Column("run_id", Serial, ForeignKey("ingest_runs.id")),  # NULL when written outside ingest
    # one permit's timeline, newest first, read backwards off this index
    Index("ix_permit_changes_permit_seq_observed_at_id", "permit_seq", "observed_at", "id"),
)

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


# --- contractor licences and parcels: one column per canonical record field ------------------


def _record_columns(record_type: type, *, not_null: frozenset[str]) -> list[Column[object]]:
    """One column per field of a canonical record dataclass, typed from its annotation.

    ``id`` is the primary key; the lists, the raw record and the flags are JSON; a ``Literal``
    (a vocabulary value) is a short string.
    """
    columns: list[Column[object]] = []
    for name, hint in get_type_hints(record_type).items():
        column_type = _column_type(name, hint)
        nullable = name not in not_null and name != "id"
        # the dataset a record came from is registered first, as for permits
        foreign = (ForeignKey("datasets.slug"),) if name == "dataset" else ()
        columns.append(
            Column(name, column_type, *foreign, primary_key=name == "id", nullable=nullable)
        )
    return columns


_SCALARS: Final[dict[type, object]] = {
    str: Text(),
    int: Integer(),
    float: Float(),
    bool: Boolean(),
    date: Date(),
    datetime: UtcDateTime(),
    Decimal: Money,
}
_WIDE_INTEGERS: Final = frozenset({"lot_size_sqft", "building_area_sqft"})


def _column_type(name: str, hint: object) -> Any:
    if name == "id":
        return String(40)
    args = [arg for arg in get_args(hint) if arg is not type(None)]
    base = args[0] if get_origin(hint) in (Union, UnionType) and len(args) == 1 else hint
    if get_origin(base) in (list, dict):
        return Json
    if get_origin(base) is Literal:
        return String(30)
    if name in ("jurisdiction", "dataset"):
        return String(100 if name == "jurisdiction" else 200)
    if base is int and name in _WIDE_INTEGERS:
        return BigInteger()
    if base in _SCALARS:
        return _SCALARS[base]
    raise TypeError(f"no column type for {name}: {hint!r}")


_RECORD_NOT_NULL: Final = frozenset(
    {
        "jurisdiction",
        "dataset",
        "source_record_id",
        "fetched_at",
        "first_seen_at",
        "updated_at",
        "quality_flags",
        "raw",
        "content_hash",
    }
)

contractor_licenses = Table(
    "contractor_licenses",
    metadata,
    *_record_columns(LicenseRecord, not_null=_RECORD_NOT_NULL | {"status", "classifications"}),
    # the contractor this licence resolved to (store.contractors), written after the page
    Column("contractor_id", String(40)),
    Index(
        "uq_contractor_licenses_dataset_source_record_id",
        "dataset",
        "source_record_id",
        unique=True,
    ),
    Index("ix_contractor_licenses_license_key_license_state", "license_key", "license_state"),
    Index("ix_contractor_licenses_contractor_id", "contractor_id"),
)

parcels = Table(
    "parcels",
    metadata,
    *_record_columns(
        ParcelRecord,
        not_null=_RECORD_NOT_NULL | {"property_type", "owner_type"},
    ),
    Index("uq_parcels_dataset_source_record_id", "dataset", "source_record_id", unique=True),
    # permits join their parcel by key within a state, or by address
    Index("ix_parcels_state_parcel_key", "state", "parcel_key"),
    Index("ix_parcels_address_key", "address_key"),
    Index("ix_parcels_state_county_fips", "state", "county_fips"),
)

# --- contractors: entities resolved from licences and permit mentions (store.contractors) -----

contractors = Table(
    "contractors",
    metadata,
    Column("id", String(40), primary_key=True),  # stable: from the first mention's key
    Column("name", Text, nullable=False),  # the display name: the licence's, else most used
    Column("name_key", Text, nullable=False),  # normalize.contractors.name_key
    Column("license_key", Text),  # the primary licence, when one resolved
    Column("license_state", String(2)),
    Column("phone", Text),
    Column("address", Text),
    Column("city", Text),
    Column("state", String(2)),
    Column("zip", String(5)),
    Column("county_fips", String(5)),
    # rollups kept at ingest from the contractor's permits
    Column("permit_count", Integer, nullable=False, default=0),
    Column("total_job_value", Money),
    Column("first_permit_date", Date),
    Column("last_permit_date", Date),
    Column("tag_counts", Json, nullable=False),  # {"roofing": 12, ...}
    Column("classification_derived", Json, nullable=False),  # tags ranked by share of permits
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_contractors_state_name_key", "state", "name_key"),
    Index("ix_contractors_license_key_license_state", "license_key", "license_state"),
)
# The contractor listing's order (store.contractor_queries), unfiltered and under the filters
# it most often starts from.
CONTRACTOR_ORDER = (contractors.c.last_permit_date.desc().nulls_last(), contractors.c.id.desc())
Index("ix_contractors_last_permit_date_id", *CONTRACTOR_ORDER)
for _column in ("state", "zip", "county_fips"):
    Index(
        f"ix_contractors_{_column}_last_permit_date_id", contractors.c[_column], *CONTRACTOR_ORDER
    )

# One row per distinct mention of a contractor (a licence row, or a permit's contractor name,
# licence, phone and address): how it was resolved, and to what.
contractor_mentions = Table(
    "contractor_mentions",
    metadata,
    Column("mention_key", String(64), primary_key=True),  # sha256 of the mention's evidence
    Column("contractor_id", String(40), ForeignKey("contractors.id"), nullable=False),
    Column("source", String(20), nullable=False),  # permit | license
    Column("name", Text),
    Column("name_key", Text),
    Column("license_key", Text),
    Column("license_state", String(2)),
    Column("phone_key", String(10)),
    Column("address_key", Text),
    Column("state", String(2)),
    # the first distinctive word of the name: fuzzy name candidates are fetched by it
    Column("block_key", Text),
    # license | phone | address | name_exact | name_fuzzy | new | pinned (docs/contractors.md)
    Column("match_method", String(20), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("first_seen_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_contractor_mentions_contractor_id", "contractor_id"),
    Index("ix_contractor_mentions_license_key_license_state", "license_key", "license_state"),
    Index("ix_contractor_mentions_phone_key", "phone_key"),
    Index("ix_contractor_mentions_state_name_key", "state", "name_key"),
    Index("ix_contractor_mentions_state_block_key", "state", "block_key"),
    Index("ix_contractor_mentions_address_key", "address_key"),
)

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

# --- places: the geo ids permits are in (normalize.geo_ids), and their monthly metrics --------

# One row per stored value that names a place: ``key`` is the permits column value it stands
# for (a state code, a county FIPS, a ZIP, a jurisdiction slug, ``STATE|CITY``, an
# address_key). Two spellings of one city share a geo_id, so geo_id is indexed, not unique.
places = Table(
    "places",
    metadata,
    Column("type", String(20), nullable=False),  # address | city | county | jurisdiction | ...
    Column("key", Text, nullable=False),
    Column("geo_id", String(130), nullable=False),
    Column("name", Text, nullable=False),  # USPS notation for an address
    Column("search_key", Text, nullable=False),  # upper-case name: prefix search by range
    Column("state", String(2)),
    # permits in the monthly rollups (every month, property type and tag): search ranks by it
    Column("permit_count", Integer, nullable=False, default=0),
    # an address's own places (the others' hierarchy is place_links)
    Column("parents", Json),
    Column("first_seen_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("type", "key"),
    Index("ix_places_geo_id", "geo_id"),
    Index("ix_places_search_key", "search_key"),
    Index("ix_places_type_search_key", "type", "search_key"),
)

# Places that share a permit, both ways (a city and its counties, ZIPs, jurisdictions, state):
# the hierarchy of every place but addresses.
place_links = Table(
    "place_links",
    metadata,
    Column("geo_id", String(130), nullable=False),
    Column("related_id", String(130), nullable=False),
    PrimaryKeyConstraint("geo_id", "related_id"),
)

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
