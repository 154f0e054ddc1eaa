"""The normalized values permitdb serves (docs/vocabulary.md, from the shared spec v1).

Raw source strings are always kept beside these. ``unknown`` beats a guess.
"""

from typing import Final, Literal, get_args

RecordClass = Literal["permit", "certificate_of_occupancy", "new_construction_parcel"]
Status = Literal[
    "applied",
    "in_review",
    "issued",
    "inspection",
    "finaled",
    "expired",
    "cancelled",
    "revoked",
    "denied",
    "on_hold",
    "unknown",
]
StatusPhase = Literal["open", "closed", "unknown"]
PropertyClass = Literal["residential", "commercial", "mixed_use", "industrial", "public", "unknown"]
Tag = Literal[
    # scope of work
    "new_construction",
    "addition",
    "alteration",
    "repair",
    "demolition",
    "adu",
    # systems and trades
    "roofing",
    "solar",
    "battery",
    "ev_charger",
    "heat_pump",
    "hvac",
    "electrical",
    "plumbing",
    "water_heater",
    "gas",
    "fire_protection",
    "elevator",
    # features and site
    "pool",
    "deck",
    "fence",
    "garage",
    "kitchen",
    "bathroom",
    "windows_doors",
    "siding",
    "structural",
    "grading",
    "sewer",
    "sign",
    "telecom",
    "scaffold",
    "temporary",
]
QualityFlag = Literal[
    "valuation_missing",
    "valuation_placeholder",
    "valuation_outlier",
    "date_out_of_range",
    "date_order",
    "address_unparsed",
    "geo_missing",
    "geo_out_of_jurisdiction",
    "duplicate_source_row",
]
LocationSource = Literal["source", "source_reprojected", "source_swapped", "zip_centroid"]

RECORD_CLASSES: Final = frozenset(get_args(RecordClass))
STATUSES: Final = frozenset(get_args(Status))
PROPERTY_CLASSES: Final = frozenset(get_args(PropertyClass))
TAGS: Final = frozenset(get_args(Tag))
QUALITY_FLAGS: Final = frozenset(get_args(QualityFlag))

STATUS_PHASE: Final[dict[Status, StatusPhase]] = {
    "applied": "open",
    "in_review": "open",
    "issued": "open",
    "inspection": "open",
    "finaled": "closed",
    "expired": "closed",
    "cancelled": "closed",
    "revoked": "closed",
    "denied": "closed",
    "on_hold": "open",
    "unknown": "unknown",
}
