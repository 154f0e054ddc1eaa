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

# What a catalog entry's records are: each kind has its own canonical record and table.
RecordKind = Literal["permits", "contractor_licenses", "parcels"]
# A contractor licence's standing with its board, as the board publishes it (value_maps map
# the raw words; ``unknown`` when none is published or it maps to nothing).
LicenseStatus = Literal[
    "active", "inactive", "expired", "suspended", "revoked", "pending", "unknown"
]
# What stands on a parcel (assessor land use / class codes, through value_maps.property_type).
PropertyType = Literal[
    "single_family",
    "multi_family",
    "condominium",
    "mobile_home",
    "mixed_use",
    "commercial",
    "office",
    "industrial",
    "agricultural",
    "institutional",
    "government",
    "vacant_land",
    "parking",
    "recreational",
    "utility",
    "unknown",
]
# Who owns a parcel, read from the owner's name (normalize/owners.py).
OwnerType = Literal["individual", "company", "government", "trust", "nonprofit", "unknown"]
# The places geo ids name (normalize/geo_ids.py: "<type>-<key>", e.g. "city-ny-new-york").
GeoType = Literal["address", "city", "county", "jurisdiction", "state", "zip"]

RECORD_CLASSES: Final = frozenset(get_args(RecordClass))
STATUSES: Final = frozenset(get_args(Status))
PROPERTY_CLASSES: Final = frozenset(get_args(PropertyClass))
TAGS: Final = frozenset(get_args(Tag))
QUALITY_FLAGS: Final = frozenset(get_args(QualityFlag))
RECORD_KINDS: Final = frozenset(get_args(RecordKind))
LICENSE_STATUSES: Final = frozenset(get_args(LicenseStatus))
PROPERTY_TYPES: Final = frozenset(get_args(PropertyType))
OWNER_TYPES: Final = frozenset(get_args(OwnerType))
GEO_TYPES: Final = frozenset(get_args(GeoType))

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


# What each value means, as docs/vocabulary.md tables it (tests/test_vocabulary_docs.py checks);
# the browse endpoints serve these so clients need not copy them.
STATUS_MEANINGS: Final[dict[Status, str]] = {
    "applied": "filed / submitted / accepted, not yet in review",
    "in_review": "plan check, corrections, pending approval, fees due",
    "issued": "issued / approved / permit granted, work may start",
    "inspection": "inspections under way",
    "finaled": "final inspection passed / completed / closed as done / CO issued",
    "expired": "expired or lapsed before completion",
    "cancelled": "withdrawn, voided, cancelled, abandoned",
    "revoked": "revoked or suspended by the authority",
    "denied": "application denied / disapproved",
    "on_hold": "on hold / stop work",
    "unknown": "no status, or a raw value that maps to nothing",
}
TAG_MEANINGS: Final[dict[Tag, str]] = {
    "new_construction": "a new building or structure (not an accessory shed/fence alone)",
    "addition": "adds floor area to an existing building",
    "alteration": (
        "remodel, renovation, tenant improvement, interior/exterior alteration, conversion"
    ),
    "repair": (
        "repair of damage or deterioration (fire, storm, water or impact damage; foundation, "
        "facade or masonry repair), or a record whose raw type is a repair permit. A "
        "like-for-like replacement (re-roof, HVAC change-out, water heater, windows, water "
        "line, elevator part) carries the replaced element's tag, not `repair`"
    ),
    "demolition": "full or partial demolition, wrecking",
    "adu": "accessory dwelling unit, granny flat, junior ADU, garage conversion to a dwelling",
    "roofing": "re-roof, roof replacement or repair",
    "solar": "photovoltaic or solar thermal",
    "battery": "energy storage system, battery backup, ESS",
    "ev_charger": "electric-vehicle charger, EVSE",
    "heat_pump": "heat pump (air- or ground-source, mini-split)",
    "hvac": "heating, ventilation, air conditioning, furnace, boiler, ductwork, mechanical",
    "electrical": "wiring, panel/service upgrade, circuits, low-voltage, generator",
    "plumbing": "plumbing fixtures, piping, re-pipe, backflow",
    "water_heater": "water heater replacement or install",
    "gas": "gas piping, gas line, gas appliance connection",
    "fire_protection": "sprinkler, fire alarm, suppression, standpipe",
    "elevator": "elevator, escalator, lift, conveyance",
    "pool": "swimming pool, spa, hot tub",
    "deck": "deck, porch, patio cover, balcony",
    "fence": "fence or wall (non-retaining)",
    "garage": "garage or carport (new, or work on one)",
    "kitchen": "kitchen remodel",
    "bathroom": "bathroom remodel",
    "windows_doors": "window or door replacement, storefront",
    "siding": "siding, facade cladding, stucco",
    "structural": "foundation, seismic retrofit, structural repair, retaining wall, underpinning",
    "grading": "grading, excavation, site work, paving, driveway",
    "sewer": "sewer lateral, septic, sewer connection",
    "sign": "sign, awning, canopy",
    "telecom": "antenna, cell tower, wireless facility",
    "scaffold": "scaffold, sidewalk shed, construction fence",
    "temporary": "tent, temporary structure, event",
}
PROPERTY_CLASS_MEANINGS: Final[dict[PropertyClass, str]] = {
    "residential": "homes: single-family houses, duplexes, apartments, condominiums, ADUs",
    "commercial": "offices, shops, restaurants, hotels and other businesses",
    "mixed_use": "one building with both dwellings and businesses",
    "industrial": "factories, warehouses, plants and utilities",
    "public": "institutional, government and school buildings",
    "unknown": "no class, occupancy or use published, or one that maps to nothing",
}
