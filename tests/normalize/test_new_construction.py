"""Which assessor rows a new_construction_parcel dataset keeps (catalog ``parcels``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from permitdb.catalog.load import BUNDLED_DIR, load_entry_file
from permitdb.catalog.model import CatalogEntry, Parcels
from permitdb.normalize.new_construction import built_since, is_record, year_built
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import read_recording

FETCHED = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
PLUTO = BUNDLED_DIR / "new-york-city-ny" / "pluto-new-construction-parcels.yaml"
COOK = BUNDLED_DIR / "cook-county-il" / "residential-new-construction-parcels.yaml"


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        *[("2019", 2019), ("1948.0", 1948), (" 2021 ", 2021), (2020, 2020), (2018.0, 2018)],
        *[("0", None), ("", None), (None, None), ("19xx", None), ("20190", None), (True, None)],
    ],
)
def test_year_built_reads_years_only(cell: Any, year: int | None) -> None:
    assert year_built(cell) == year


def test_threshold_is_relative_to_the_fetch_or_fixed() -> None:
    assert built_since(Parcels(year_built="y", recent_years=3), FETCHED) == 2023
    assert built_since(Parcels(year_built="y", since_year=1986), FETCHED) == 1986


def with_parcels(path: Any, **parcels: Any) -> CatalogEntry:
    entry = load_entry_file(path)
    assert entry.parcels is not None
    parcels = {"year_built": entry.parcels.year_built, **parcels}
    return entry.model_copy(update={"parcels": Parcels(**parcels)})


def kept(entry: CatalogEntry) -> list[Any]:
    rows = read_recording(entry, default_recordings_dir())
    assert entry.primary_key is not None
    key = entry.primary_key[0]
    return [row[key] for row in rows if is_record(entry, row, fetched_at=FETCHED)]


def test_a_window_of_a_few_years_finds_nothing_new_in_the_bundled_samples() -> None:
    # honest about the data: PLUTO's lots were built 1950-1986, Cook's parcels 1880-1972
    assert kept(load_entry_file(PLUTO)) == []
    assert kept(with_parcels(COOK, roll_year="year", recent_years=3)) == []


def test_the_window_counts_back_from_each_rows_roll_year() -> None:
    # the bundled Cook entry: fifty years back from the 2021 roll (1971) keeps only the 1972
    # lot, however long after 2021 the sample is read
    assert kept(load_entry_file(COOK)) == ["13253230040000"]
    # without roll_year the same fifty years count from the 2026 fetch: 1976, nothing kept
    assert kept(with_parcels(COOK, recent_years=50)) == []
    parcels = Parcels(year_built="y", roll_year="tax_year", recent_years=3)
    assert built_since(parcels, FETCHED, 2021) == 2018
    assert built_since(parcels, FETCHED, None) == 2023  # an unreadable roll year: the fetch


def test_roll_year_needs_recent_years() -> None:
    with pytest.raises(ValueError, match="roll_year is what recent_years counts from"):
        Parcels(year_built="y", roll_year="tax_year", since_year=2000)


def test_a_fixed_year_keeps_the_rows_built_since() -> None:
    assert kept(with_parcels(PLUTO, since_year=1986)) == ["2054800121"]  # 737 Clarence Ave
    assert kept(with_parcels(PLUTO, since_year=1955)) == ["2054800121", "2054720109", "2054720027"]
    assert kept(with_parcels(COOK, since_year=1970)) == ["13253230040000"]  # built 1972


def test_other_datasets_keep_every_row() -> None:
    entry = load_entry_file(BUNDLED_DIR / "austin-tx" / "issued-construction-permits.yaml")
    assert is_record(entry, {}, fetched_at=FETCHED)
