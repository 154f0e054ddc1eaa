"""The licences and parcels the synthetic permits join to, read by the real pipeline.

Each permit answer carries its contractor's licence and its property (``services.permits.
joined``); the bench measures that step, so its database holds rows that actually join:

* **Licences**: one row for ``LICENSED_SHARE`` of the synthetic companies, in the layout of
  TSBPE's Responsible Master Plumber list, the one Texas board catalogued. Its real catalog
  entry reads them; resolution links each licence, by name within Texas, to the contractor
  its permits resolved to.
* **Parcels**: one roll row for ``PARCEL_SHARE`` of the projects (a permit number and its
  sub-permits), with the project's TCAD id and address, in the layout of
  ``bench/catalog/travis-tx-bench-parcels.yaml``. Permits find it by parcel key, or by address
  when they carry no TCAD id.

Companies are licensed by their own seeded draw and parcels by one per project, so the shares
hold at any ``BENCH_ROWS`` and the permits file is the same with or without them.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import yaml

from bench.austin import COMPANY_TRADES, COMPANY_WORDS, ZIPS
from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import CatalogEntry

LICENSED_SHARE: Final = 0.85  # of companies, so of permits: companies are drawn uniformly
PARCEL_SHARE: Final = 0.5  # of projects
LICENSES_ENTRY: Final = "texas/tsbpe-responsible-master-plumbers"
PARCELS_FILE: Final = Path(__file__).parent / "catalog" / "travis-tx-bench-parcels.yaml"
LICENSE_COLUMNS: Final = (
    "RANK LICENSE_NBR LIC_STATUS LICENSE_DATE EXPIRATION_DTE LAST_NAME FIRST_NAME MIDDLE_NAME "
    "SUFFIX ADDR1 ADDR2 ADDR3 CITY STATE ZIP PHONE COUNTY MEDGAS_ENDR MRF_ENDR WS_ENDR "
    "INS_EXPIRY_DTE PLUMB_COMPANY INSURANCE_COMPANY"
).split()
PARCEL_COLUMNS: Final = (
    "PROP_ID PROP_YEAR SITUS_ADDRESS SITUS_CITY SITUS_ZIP STATE_CD YEAR_BUILT LIVING_AREA "
    "LAND_SQFT STORIES UNITS MARKET_VALUE"
).split()
# Texas Comptroller property category codes: single-family, mobile home, multifamily,
# commercial, vacant lot
STATE_CODES: Final = {"A1": 80, "A2": 3, "B1": 7, "F1": 7, "C1": 3}
FIRST_NAMES: Final = "JOHN MARIA JAMES ANA ROBERT LINDA JOSE SARAH".split()
LAST_NAMES: Final = "GARCIA SMITH JOHNSON MARTINEZ BROWN LOPEZ DAVIS NGUYEN".split()
# a licence row's company is written as a board writes it: no branch markers
LEGAL_ENDS: Final = ("LLC", "INC", "LP", "CO")
_UNIT: Final = re.compile(r" (?:UNIT|APT|STE|#) ")


def _us_date(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def iter_licenses(seed: int) -> Iterator[dict[str, str]]:
    """One licence row for a seeded ``LICENSED_SHARE`` of the generator's companies."""
    rng = random.Random(f"licenses-{seed}")
    number = 10_000
    for kinds in COMPANY_TRADES.values():
        for word in COMPANY_WORDS:
            for kind in kinds:
                if rng.random() >= LICENSED_SHARE:
                    continue
                number += rng.randrange(1, 40)
                issued = date(1985, 1, 1) + timedelta(days=rng.randrange(13_000))
                zip_code = rng.choice(ZIPS)[0]
                yield {
                    **dict.fromkeys(LICENSE_COLUMNS, ""),
                    "RANK": "M",
                    "LICENSE_NBR": str(number),
                    "LIC_STATUS": "Current" if rng.random() < 0.9 else "Expired",
                    "LICENSE_DATE": _us_date(issued),
                    "EXPIRATION_DTE": _us_date(date(2026, 1, 31) + timedelta(rng.randrange(700))),
                    "LAST_NAME": rng.choice(LAST_NAMES),
                    "FIRST_NAME": rng.choice(FIRST_NAMES),
                    "ADDR1": f"{rng.randrange(100, 9000)} INDUSTRIAL BLVD",
                    "CITY": "AUSTIN",
                    "STATE": "TX",
                    "ZIP": zip_code,
                    "PHONE": f"512{rng.randrange(2_000_000, 9_999_999)}",
                    "COUNTY": "TRAVIS",
                    "MEDGAS_ENDR": "No",
                    "MRF_ENDR": "No",
                    "WS_ENDR": "No",
                    "INS_EXPIRY_DTE": _us_date(date(2026, 3, 1) + timedelta(rng.randrange(400))),
                    "PLUMB_COMPANY": f"{word} {kind} {rng.choice(LEGAL_ENDS)}".upper(),
                    "INSURANCE_COMPANY": "TEXAS MUTUAL INS CO",
                }


class ParcelRoll:
    """Writes a parcel row for ``PARCEL_SHARE`` of the projects the permit rows pass by."""

    def __init__(self, out: csv.DictWriter[str], seed: int) -> None:
        self.out = out
        self.rng = random.Random(f"parcels-{seed}")
        self.codes, self.weights = list(STATE_CODES), list(STATE_CODES.values())
        self.project = ""
        self.rows = 0

    def passed(self, permits: Iterator[dict[str, str]]) -> Iterator[dict[str, str]]:
        """``permits`` as they are, each seen on its way."""
        for permit in permits:
            self.see(permit)
            yield permit

    def see(self, permit: dict[str, str]) -> None:
        project = permit["permit_number"].rsplit(" ", 1)[0]
        if project == self.project:
            return  # a sub-permit: its project was drawn at its first permit
        self.project = project
        rng = self.rng
        if rng.random() >= PARCEL_SHARE:
            return
        code = rng.choices(self.codes, self.weights)[0]
        built = "" if code == "C1" else str(rng.randrange(1940, 2025))
        self.out.writerow(
            {
                # a permit without its TCAD id still finds its parcel by address
                "PROP_ID": permit["tcad_id"] or f"0{rng.randrange(100_000_000, 999_999_999)}",
                "PROP_YEAR": "2025",
                # the roll's spelling of the site: upper case, single spaces, no unit
                "SITUS_ADDRESS": _UNIT.split(" ".join(permit["original_address1"].upper().split()))[
                    0
                ],
                "SITUS_CITY": "AUSTIN",
                "SITUS_ZIP": permit["original_zip"],
                "STATE_CD": code,
                "YEAR_BUILT": built,
                "LIVING_AREA": str(rng.randrange(700, 5000)) if built else "",
                "LAND_SQFT": str(rng.randrange(3000, 40_000)),
                "STORIES": str(rng.choice((1, 1, 2, 2, 3))) if built else "",
                "UNITS": str(rng.randrange(5, 200)) if code == "B1" else "1",
                "MARKET_VALUE": str(rng.randrange(150, 2500) * 1000),
            }
        )
        self.rows += 1


def write_licenses(path: Path, seed: int) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = list(iter_licenses(seed))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=LICENSE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def licenses_entry(data_path: Path) -> CatalogEntry:
    """The real TSBPE catalog entry, pointed at the generated file."""
    (entry,) = [entry for entry in load_catalog() if entry.slug == LICENSES_ENTRY]
    return _pointed_at(entry.model_dump(mode="json", by_alias=True), data_path)


def parcels_entry(data_path: Path) -> CatalogEntry:
    return _pointed_at(yaml.safe_load(PARCELS_FILE.read_text(encoding="utf-8")), data_path)


def _pointed_at(document: dict[str, object], data_path: Path) -> CatalogEntry:
    document["source"] = {"platform": "file", "url": str(data_path), "format": "csv"}
    return CatalogEntry.model_validate(document)
