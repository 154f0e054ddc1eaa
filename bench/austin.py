"""What Austin's Issued Construction Permits look like: the vocabularies the generator draws from.

Spellings are the portal's own (recordings/socrata/austin-tx/): permit classes such as
``R- 434 Addition & Alterations``, one number per project with a trade suffix, statuses in
title case, contractor names with branch markers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# permit number suffix -> (permit_type_desc, contractor trade)
TYPES: Final = {
    "BP": ("Building Permit", "General Contractor"),
    "EP": ("Electrical Permit", "Electrical Contractor"),
    "MP": ("Mechanical Permit", "Mechanical Contractor"),
    "PP": ("Plumbing Permit", "Plumbing Contractor"),
    "DS": ("Driveway / Sidewalks", "General Contractor"),
}


# Austin's permit_class spellings, by a short name for the table below
CLASSES: Final = {
    "sfr": "R- 101 Single Family Houses",
    "adu": "R- 102 Secondary Apartment",
    "alt": "R- 434 Addition & Alterations",
    "site": "R- 329 Res Structures Other Than Bldg",
    "demo": "R- 645 Demolition One Family Houses",
    "com": "C-1000 Commercial Remodel",
    "mf": "C- 105 Five or More Family Bldgs",
}
COMMERCIAL: Final = frozenset({"com", "mf"})


@dataclass(frozen=True, slots=True)
class Work:
    """One kind of job: the permit type it is filed under, how it reads, what it costs."""

    suffix: str  # permit type, by its number suffix (TYPES)
    work_class: str
    permit_class: str  # CLASSES key
    description: str  # {n} and {m} are filled with small numbers
    low_k: int  # valuation range, thousands of dollars
    high_k: int
    weight: int


WORKS: Final = tuple(
    Work(*spec)
    for spec in (
        (
            "BP",
            "New",
            "sfr",
            "New {n} story single family residence, attached garage",
            180,
            950,
            8,
        ),
        ("BP", "Remodel", "alt", "Interior remodel of kitchen and {n} bathrooms", 15, 160, 10),
        ("BP", "Addition", "alt", "{m} sq ft addition to rear of existing residence", 30, 250, 5),
        ("BP", "Repair", "alt", "Reroof - remove and replace shingles, {n}0 squares", 8, 40, 9),
        ("BP", "New", "adu", "New detached accessory dwelling unit, {m} sq ft", 90, 300, 2),
        ("BP", "New", "site", "New in-ground swimming pool and spa", 40, 120, 3),
        ("BP", "Addition", "alt", "Construct {m} sq ft wood deck with pergola", 5, 45, 2),
        ("BP", "Demo", "demo", "Demolish existing {m} sq ft single family residence", 5, 30, 2),
        (
            "BP",
            "Remodel",
            "com",
            "Interior finish-out of {m} SF office suite, level {n}",
            40,
            900,
            6,
        ),
        ("BP", "New", "mf", "New {n} story multifamily building, {m} units", 2000, 40000, 1),
        (
            "EP",
            "Remodel",
            "alt",
            "Install {n} kW rooftop solar PV system, {m} panels",
            9,
            60,
            9,
        ),
        ("EP", "Remodel", "alt", "Install {n}0 kWh battery energy storage system", 12, 40, 2),
        ("EP", "Remodel", "alt", "Install Level 2 EV charger in garage, new 50A circuit", 1, 4, 3),
        ("EP", "Repair", "alt", "Upgrade electrical service to {m} amps, new meter base", 2, 12, 6),
        ("EP", "Remodel", "com", "7 DAY - Interior remodel of existing office", 5, 90, 4),
        ("MP", "Repair", "alt", "Replace {n} ton HVAC system, like for like", 6, 18, 9),
        (
            "MP",
            "Remodel",
            "alt",
            "Install {n} ton heat pump split system",
            9,
            25,
            3,
        ),
        (
            "MP",
            "Remodel",
            "com",
            "Replace {n} rooftop units on retail building",
            20,
            200,
            3,
        ),
        ("PP", "Repair", "alt", "Replace {m} gallon gas water heater in attic", 1, 4, 8),
        ("PP", "Repair", "alt", "Repipe house and replace sewer line to property line", 4, 20, 4),
        ("PP", "Remodel", "com", "Tenant improvement plumbing for {n} restrooms", 8, 80, 3),
        ("DS", "New", "alt", "Replace driveway approach and {m} LF of sidewalk", 2, 15, 5),
    )
)

STATUSES: Final = {
    "Final": 46,
    "Active": 26,
    "Expired": 12,
    "Withdrawn": 5,
    "Void": 2,
    "Pending": 4,
    "On Hold": 2,
    "Cancelled": 3,
}
STREET_WORDS: Final = (
    "OAK ELM CEDAR PECAN MESQUITE BLUEBONNET LAMAR BURNET GUADALUPE CONGRESS RIVERSIDE "
    "OLTORF BARTON MANCHACA SLAUGHTER WILLIAM CANNON PARMER BRAKER RUNDBERG CAMERON DESSAU "
    "SPRINGDALE AIRPORT MONTOPOLIS PLEASANT VALLEY ELROY DAVIS ESCARPMENT MOPAC SHOAL CREEK "
    "ANDERSON MILL SPICEWOOD SPRINGS JOLLYVILLE PALOMINO APPALOOSA MUSTANG BRONCO SADDLE "
    "STIRRUP LARIAT CORRAL RANCH MEADOW PRAIRIE WILLOW CYPRESS MAGNOLIA DOGWOOD REDBUD "
    "SYCAMORE HACKBERRY JUNIPER YAUPON SOTOL AGAVE YUCCA LANTANA SAGE ROSEMARY THYME BASIL "
    "CARDINAL MOCKINGBIRD ORIOLE WREN FALCON HAWK EAGLE RAVEN HERON EGRET CRANE PELICAN "
    "COMANCHE APACHE CHEROKEE NAVAJO SEMINOLE PUEBLO MOHAWK ONEIDA HOPI ZUNI LLANO PEDERNALES "
    "COLORADO BRAZOS SABINE NUECES FRIO BLANCO SAN SABA TRINITY MEDINA HONDO SABINAL "
    "HILLSIDE RIDGEVIEW CANYON BLUFF MESA SUMMIT VISTA HORIZON SUNSET SUNRISE MORNINGSIDE "
    "EVENING STARLIGHT MOONLIGHT GALAXY COMET ORBIT HERITAGE LEGACY LIBERTY FREEDOM PIONEER "
    "SETTLER FRONTIER WAGON TRAIL STAGECOACH DEPOT STATION FOUNDRY MILL QUARRY LIMESTONE "
    "GRANITE MARBLE FLINT SLATE COPPER SILVER GOLDEN IRON STEEL"
).split()
STREET_TYPES: Final = "ST DR LN RD CV BLVD AVE TRL PASS WAY CT PL CIR PKWY LOOP".split()
# zip code, council district, a point inside it (lat, lng)
ZIPS: Final = (
    ("78701", "9", 30.2711, -97.7437),
    ("78702", "3", 30.2636, -97.7166),
    ("78703", "10", 30.2930, -97.7650),
    ("78704", "5", 30.2430, -97.7653),
    ("78705", "9", 30.2946, -97.7389),
    ("78717", "6", 30.4889, -97.7552),
    ("78721", "1", 30.2700, -97.6843),
    ("78723", "4", 30.3081, -97.6848),
    ("78727", "7", 30.4256, -97.7196),
    ("78731", "10", 30.3470, -97.7680),
    ("78741", "3", 30.2310, -97.7220),
    ("78744", "2", 30.1770, -97.7390),
    ("78745", "5", 30.2070, -97.7960),
    ("78748", "5", 30.1620, -97.8230),
    ("78749", "8", 30.2160, -97.8570),
    ("78753", "4", 30.3800, -97.6770),
    ("78754", "1", 30.3520, -97.6430),
    ("78757", "7", 30.3520, -97.7340),
)
CITIES: Final = {"AUSTIN": 92, "PFLUGERVILLE": 2, "MANOR": 1, "DEL VALLE": 1, "": 2, "Austin": 2}
COMPANY_WORDS: Final = (
    "Lone Star,Hill Country,Capital City,Texas,Bluebonnet,Longhorn,Armadillo,Cedar Park,"
    "Live Oak,Big Sky,Pioneer,Frontier,Summit,Keystone,Cornerstone,Milestone,Sunbelt,Red River"
).split(",")
COMPANY_TRADES: Final = {
    "General Contractor": ("Builders", "Construction", "Homes", "Remodeling", "Roofing"),
    "Electrical Contractor": ("Electric", "Solar", "Power", "Energy"),
    "Mechanical Contractor": ("Air", "Heating & Cooling", "Mechanical", "Comfort"),
    "Plumbing Contractor": ("Plumbing", "Pipe Works", "Drain & Sewer"),
}
COMPANY_ENDS: Final = ("LLC", "Inc", "Inc.", "LP", "Co", "**Main**", "*MAIN*", "")
