"""Deterministic synthetic permits in the raw shape of Austin's Socrata dataset (3syk-w9eu).

Column names and value spellings follow recordings/socrata/austin-tx/: text everywhere,
floating timestamps, ``$12,345.00`` valuations, sub-permits sharing a number with a trade
suffix. The mix is tuned to exercise the normalizer the way a real city does: many distinct
address strings (house numbers x a few thousand streets, units, odd spacing), descriptions that
the tagger must read, missing dates and coordinates, placeholder valuations. One seeded
``random.Random`` drives everything, so the same seed writes the same bytes.
"""

from __future__ import annotations

import csv
import itertools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final, TextIO

import orjson
import yaml

from bench.austin import (
    CITIES,
    CLASSES,
    COMMERCIAL,
    COMPANY_ENDS,
    COMPANY_TRADES,
    COMPANY_WORDS,
    STATUSES,
    STREET_TYPES,
    STREET_WORDS,
    TYPES,
    WORKS,
    ZIPS,
    Work,
)
from bench.config import DataFormat
from bench.reference import PARCEL_COLUMNS, ParcelRoll
from permitdb.catalog.model import CatalogEntry

CATALOG_FILE: Final = Path(__file__).parent / "catalog" / "austin-tx-bench.yaml"

COLUMNS: Final = (
    "permit_number",
    "permit_type_desc",
    "permit_class_mapped",
    "permit_class",
    "work_class",
    "description",
    "tcad_id",
    "applieddate",
    "issue_date",
    "status_current",
    "expiresdate",
    "completed_date",
    "number_of_floors",
    "housing_units",
    "total_job_valuation",
    "original_address1",
    "original_city",
    "original_zip",
    "council_district",
    "jurisdiction",
    "link",
    "latitude",
    "longitude",
    "contractor_trade",
    "contractor_company_name",
)

PROGRESS_EVERY: Final = 10_000
FIRST_DAY: Final = date(2015, 1, 1)
SPAN_DAYS: Final = (date(2025, 12, 31) - FIRST_DAY).days


def _weighted(table: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(table), list(itertools.accumulate(table.values()))


def street_names() -> list[str]:
    """Every word x every street type, plus numbered streets with directions: ~2,400 names."""
    named = [f"{word} {kind}" for word in STREET_WORDS for kind in STREET_TYPES]
    numbered = [f"{d} {n}{_ordinal(n)} ST" for d in ("W", "E", "N", "S") for n in range(1, 60)]
    return named + numbered


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "TH"
    return {1: "ST", 2: "ND", 3: "RD"}.get(number % 10, "TH")


def _companies() -> dict[str, list[str]]:
    return {
        trade: [
            f"{w} {kind} {end}".strip()
            for w in COMPANY_WORDS
            for kind in kinds
            for end in COMPANY_ENDS
        ]
        for trade, kinds in COMPANY_TRADES.items()
    }


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000"


def _money(rng: random.Random, work: Work) -> str:
    roll = rng.random()
    if roll < 0.03:
        return ""
    if roll < 0.08:
        return "$0.00"  # portals' placeholder for "not given"
    if roll < 0.10:
        return "$1.00"
    cents = rng.randrange(work.low_k * 100_000, work.high_k * 100_000)
    return f"${cents // 100:,}.{cents % 100:02d}"


def _address(rng: random.Random, streets: list[str]) -> str:
    address = f"{rng.randrange(100, 20000)} {rng.choice(streets)}"
    roll = rng.random()
    if roll < 0.08:
        return f"{address} {rng.choice(('UNIT', 'APT', 'STE', '#'))} {rng.randrange(1, 900)}"
    if roll < 0.10:
        return address.replace(" ", "  ", 1).lower()  # hand-typed entries
    return address


def iter_rows(count: int, seed: int) -> Iterator[dict[str, str]]:
    """``count`` raw records, every value a string ("" for null), always the same for a seed."""
    rng = random.Random(seed)
    streets = street_names()
    companies = _companies()
    works = list(WORKS)
    work_weights = list(itertools.accumulate(w.weight for w in works))
    statuses, status_weights = _weighted(STATUSES)
    cities, city_weights = _weighted(CITIES)
    base, suffixes_used = 0, set[str]()
    applied, site, address, tcad_id = FIRST_DAY, ZIPS[0], "", ""
    for index in range(count):
        work = rng.choices(works, cum_weights=work_weights)[0]
        permit_type, trade = TYPES[work.suffix]
        # Austin files one number per project, a sub-permit per trade (BP, EP, MP...), all
        # applied for together at one address
        if index == 0 or work.suffix in suffixes_used or rng.random() > 0.15:
            base, suffixes_used = base + 1, set()
            applied = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
            site = rng.choice(ZIPS)
            address = _address(rng, streets)
            # the appraisal district's id of the project's lot; a few permits leave it out
            tcad_id = f"0{rng.randrange(100_000_000, 999_999_999)}" if rng.random() >= 0.03 else ""
        suffixes_used.add(work.suffix)
        zip_code, district, lat, lng = site
        status = rng.choices(statuses, cum_weights=status_weights)[0]
        issued = None
        if status not in ("Pending", "On Hold"):
            issued = applied + timedelta(rng.randrange(120))
        finaled = None
        if issued is not None and status == "Final":
            finaled = issued + timedelta(rng.randrange(10, 300))
        description = work.description.format(n=rng.randrange(1, 6), m=rng.randrange(2, 40) * 50)
        if rng.random() < 0.05:
            description += "\n\nper plans on file  "
        located = rng.random() >= 0.04
        yield {
            "permit_number": f"{applied.year}-{base:06d} {work.suffix}",
            "permit_type_desc": permit_type,
            "permit_class_mapped": "Commercial"
            if work.permit_class in COMMERCIAL
            else "Residential",
            "permit_class": CLASSES[work.permit_class],
            "work_class": work.work_class,
            "description": description,
            "tcad_id": tcad_id,
            "applieddate": _stamp(applied) if rng.random() >= 0.02 else "",
            "issue_date": _stamp(issued) if issued else "",
            "status_current": status,
            "expiresdate": _stamp(issued + timedelta(180)) if issued else "",
            "completed_date": _stamp(finaled) if finaled else "",
            "number_of_floors": str(rng.choice((1, 1, 1, 2, 2, 3))),
            "housing_units": "1" if rng.random() < 0.9 else "",
            "total_job_valuation": _money(rng, work),
            "original_address1": address,
            "original_city": rng.choices(cities, cum_weights=city_weights)[0],
            "original_zip": zip_code,
            "council_district": district,
            "jurisdiction": "AUSTIN FULL PURPOSE",
            "link": "https://abc.austintexas.gov/web/permit/public-search-other"
            f"?t_detail=1&t_selected_folderrsn={10_000_000 + index}",
            "latitude": f"{lat + rng.uniform(-0.02, 0.02):.8f}" if located else "",
            "longitude": f"{lng + rng.uniform(-0.02, 0.02):.8f}" if located else "",
            "contractor_trade": trade,
            "contractor_company_name": rng.choice(companies[trade]),
        }


@dataclass(frozen=True, slots=True)
class Generated:
    path: Path
    rows: int
    bytes: int
    seconds: float
    parcels: int = 0  # rows of the roll written beside the permits, when asked for


def write_dataset(
    path: Path,
    rows: int,
    seed: int,
    data_format: DataFormat,
    on_rows: Callable[[int], None] | None = None,
    parcels: Path | None = None,
) -> Generated:
    """Stream ``rows`` records to ``path``; memory stays flat whatever the size.

    ``on_rows`` is told every ``PROGRESS_EVERY`` rows how many more were written. With
    ``parcels``, the same pass writes the roll rows of their projects there (``bench.reference``).
    """
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _part(path)  # a killed run never leaves a short file
    records = _counted(iter_rows(rows, seed), on_rows)
    with ExitStack() as files:
        roll = None
        if parcels is not None:
            roll_out = files.enter_context(_part(parcels).open("w", encoding="utf-8", newline=""))
            roll = ParcelRoll(csv.DictWriter(roll_out, PARCEL_COLUMNS, lineterminator="\n"), seed)
            roll.out.writeheader()
            records = roll.passed(records)
        _write_permits(
            files.enter_context(tmp.open("w", encoding="utf-8", newline="")), records, data_format
        )
    tmp.replace(path)
    if parcels is not None:
        _part(parcels).replace(parcels)
    return Generated(
        path, rows, path.stat().st_size, time.perf_counter() - started, roll.rows if roll else 0
    )


def _part(path: Path) -> Path:
    """Where ``path`` is written until it is whole."""
    return path.with_suffix(path.suffix + ".part")


def _write_permits(out: TextIO, records: Iterator[dict[str, str]], data_format: DataFormat) -> None:
    if data_format == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return
    for row in records:
        # SODA omits nulls, so an NDJSON record has only the keys with values
        out.write(orjson.dumps({k: v for k, v in row.items() if v}).decode() + "\n")


def _counted(
    rows: Iterator[dict[str, str]], on_rows: Callable[[int], None] | None
) -> Iterator[dict[str, str]]:
    if on_rows is None:
        yield from rows
        return
    for index, row in enumerate(rows, 1):
        yield row
        if index % PROGRESS_EVERY == 0:
            on_rows(PROGRESS_EVERY)


def bench_entry(data_path: Path, data_format: DataFormat) -> CatalogEntry:
    """The catalog entry of bench/catalog/austin-tx-bench.yaml, pointed at the generated file."""
    document = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    document["source"] = {"platform": "file", "url": str(data_path), "format": data_format}
    return CatalogEntry.model_validate(document)
