"""Fields every canonical record derives the same way, whatever its kind."""

from __future__ import annotations

from typing import Final

# Identity (from the catalog entry and the source key) and what the store stamps.
IDENTITY_AND_PROVENANCE: Final = frozenset(
    {
        "id",
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
# The standardized address normalize.addresses derives from the original_* fields.
STANDARD_ADDRESS: Final = frozenset(
    {"address", "city", "state", "zip", "county_fips", "address_key"}
)
