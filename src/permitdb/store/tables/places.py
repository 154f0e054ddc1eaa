"""Places: the geo ids permits are in (``normalize.geo_ids``) and their hierarchy."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from permitdb.store.dialects import Json
from permitdb.store.tables.base import UtcDateTime, metadata

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
