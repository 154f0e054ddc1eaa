"""Catalog files on disk: problems name the file and the dotted key path, and say what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from permitdb.catalog.load import (
    BUNDLED_DIR,
    load_catalog,
    load_entry_file,
    select_entries,
    validate_catalog_files,
)
from permitdb.errors import CatalogError

from .test_model import minimal_entry


def write(root: Path, folder: str, name: str, document: object) -> Path:
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def only_extra_errors(errors: list[CatalogError], root: Path) -> list[CatalogError]:
    return [error for error in errors if error.path.startswith(str(root))]


def test_bundled_catalog_files_ship_inside_the_package() -> None:
    assert BUNDLED_DIR.is_dir()
    assert BUNDLED_DIR.parent.name == "catalog"
    assert BUNDLED_DIR.parents[1].name == "permitdb"
    assert list(BUNDLED_DIR.rglob("*.yaml"))


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "austin-tx", "issued-permits.yaml", minimal_entry())
    assert load_entry_file(path).slug == "austin-tx/issued-permits"


def test_problems_name_the_file_and_the_dotted_key_path(tmp_path: Path) -> None:
    bad = minimal_entry(fields={"issued_date": {"source": "issue_date", "convert": "dat"}})
    path = write(tmp_path, "austin-tx", "issued-permits.yaml", bad)
    with pytest.raises(CatalogError) as info:
        load_entry_file(path)
    assert info.value.path == str(path)
    assert info.value.problems == [
        "fields.issued_date.convert: Input should be 'text', 'upper', 'date', 'datetime', "
        "'money', 'integer', 'number', 'phone', 'point', 'url' or 'boolean'"
    ]
    assert str(path) in str(info.value)


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "austin-tx" / "issued-permits.yaml"
    path.parent.mkdir()
    path.write_text("dataset: x\nname: [unclosed\nfields: {}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_entry_file(path)
    (problem,) = info.value.problems
    assert problem.startswith("line 3, column 7: YAML syntax error:")


def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "austin-tx", "issued-permits.yaml", ["a", "list"])
    with pytest.raises(CatalogError, match="must be a YAML mapping"):
        load_entry_file(path)


def test_file_and_folder_names_must_match_the_slugs(tmp_path: Path) -> None:
    write(tmp_path, "austin", "permits.yaml", minimal_entry())
    entries, errors = validate_catalog_files([tmp_path])
    (error,) = only_extra_errors(errors, tmp_path)
    assert error.problems == [
        "dataset: 'issued-permits' does not match the file name 'permits.yaml'; rename the "
        "file to issued-permits.yaml or change `dataset`",
        "jurisdiction.slug: 'austin-tx' does not match the folder 'austin'; move the file to "
        "austin-tx/ or fix the slug",
    ]
    assert "austin-tx/issued-permits" not in {e.slug for e in entries}


def unbundled_entry(**overrides: Any) -> dict[str, Any]:
    """A catalog entry for a jurisdiction the bundled catalog does not have."""
    entry = minimal_entry(**overrides)
    entry["jurisdiction"] = {**entry["jurisdiction"], "slug": "testville-tx", "name": "Testville"}
    return entry


def test_duplicate_slugs_are_reported_once_per_extra_file(tmp_path: Path) -> None:
    first = write(tmp_path / "a", "testville-tx", "issued-permits.yaml", unbundled_entry())
    second = write(tmp_path / "b", "testville-tx", "issued-permits.yaml", unbundled_entry())
    entries, errors = validate_catalog_files([tmp_path / "a", tmp_path / "b"])
    (error,) = only_extra_errors(errors, tmp_path)
    assert error.path == str(second)
    assert error.problems == [
        f"dataset: 'testville-tx/issued-permits' is already defined in {first}; give this "
        "dataset another `dataset` slug or remove one of the files"
    ]
    assert [e.slug for e in entries].count("testville-tx/issued-permits") == 1


def test_files_of_one_jurisdiction_must_agree(tmp_path: Path) -> None:
    write(tmp_path, "testville-tx", "issued-permits.yaml", unbundled_entry())
    other = unbundled_entry(dataset="other-permits")
    other["jurisdiction"] = {**other["jurisdiction"], "timezone": "America/Denver"}
    path = write(tmp_path, "testville-tx", "other-permits.yaml", other)
    _, errors = validate_catalog_files([tmp_path])
    (error,) = only_extra_errors(errors, tmp_path)
    assert error.path == str(path)
    assert error.problems[0].startswith(
        "jurisdiction.timezone: 'America/Denver' here but 'America/Chicago' in "
    )


def test_an_extra_file_must_match_the_bundled_jurisdiction_block(tmp_path: Path) -> None:
    """Wherever the folders sit on disk, the user's file is the one asked to change."""
    for root in (tmp_path / "0-sorts-first", tmp_path / "z-sorts-last"):
        path = write(root, "austin-tx", "more-permits.yaml", minimal_entry(dataset="more-permits"))
        _, errors = validate_catalog_files([root])
        (error,) = only_extra_errors(errors, root)
        assert error.path == str(path)
        assert "jurisdiction.city: None here but 'Austin' in " in error.problems[0]
        assert "src/permitdb/catalog/jurisdictions/austin-tx/" in error.problems[0]


def test_misnamed_and_missing_locations_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "austin-tx", "issued-permits.yml", minimal_entry())
    _, errors = validate_catalog_files([tmp_path, tmp_path / "absent"])
    problems = [p for error in only_extra_errors(errors, tmp_path) for p in error.problems]
    assert problems == [
        "catalog files end in .yaml; rename the file",
        "catalog directory does not exist; create it or remove it from PERMITDB_CATALOG_DIRS",
    ]


def test_load_catalog_raises_the_first_error(tmp_path: Path) -> None:
    write(tmp_path, "austin-tx", "issued-permits.yaml", minimal_entry(page_size=0))
    with pytest.raises(CatalogError, match=r"page_size: Input should be greater than or equal"):
        load_catalog([tmp_path])


def test_bundled_catalog_is_valid_and_sorted() -> None:
    entries = load_catalog()
    assert [e.slug for e in entries] == sorted(e.slug for e in entries)


def test_select_by_jurisdiction_or_dataset() -> None:
    entries = load_catalog()
    nyc = select_entries(entries, ["new-york-city-ny"])
    assert len(nyc) > 1
    assert {e.jurisdiction.slug for e in nyc} == {"new-york-city-ny"}
    one = select_entries(entries, ["austin-tx/issued-construction-permits", "austin-tx"])
    assert [e.slug for e in one] == ["austin-tx/issued-construction-permits"]


def test_unknown_selector_suggests_close_matches() -> None:
    with pytest.raises(CatalogError) as info:
        select_entries(load_catalog(), ["austin-tx/issued-construction-permit", "nowhere"])
    first, second = info.value.problems
    assert "did you mean 'austin-tx/issued-construction-permits'" in first
    assert second.startswith("'nowhere' is neither a jurisdiction nor a dataset")
    assert "no close match." in second
