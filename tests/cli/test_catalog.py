"""permitdb catalog check: a table when valid; file and key path, exit 1, when not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from permitdb.catalog.load import BUNDLED_DIR, load_catalog
from permitdb.cli.app import app
from permitdb.settings import get_settings


def test_valid_catalog_prints_a_row_per_dataset(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 0, result.output
    entries = load_catalog()
    assert f"{len(entries)} catalog entries valid" in result.output
    for entry in entries:
        assert entry.slug in result.output


def test_invalid_file_names_file_and_key(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "extra" / "nowhere-zz"
    folder.mkdir(parents=True)
    (folder / "permits.yaml").write_text("dataset: permits\nname: x\npage_size: 0\n")
    monkeypatch.setenv("PERMITDB_CATALOG_DIRS", f'["{tmp_path / "extra"}"]')
    get_settings.cache_clear()
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 1
    assert str(folder / "permits.yaml") in result.output
    assert "page_size" in result.output
    assert "invalid catalog file" in result.output


def test_an_entry_whose_recording_is_missing_is_rejected(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = BUNDLED_DIR / "austin-tx" / "issued-construction-permits.yaml"
    document = yaml.safe_load(bundled.read_text())
    document["dataset"] = "unrecorded-permits"
    document["recording"]["path"] = "socrata/austin-tx/never-recorded.json"
    folder = tmp_path / "extra" / "austin-tx"
    folder.mkdir(parents=True)
    (folder / "unrecorded-permits.yaml").write_text(yaml.safe_dump(document))
    monkeypatch.setenv("PERMITDB_CATALOG_DIRS", f'["{tmp_path / "extra"}"]')
    get_settings.cache_clear()

    result = runner.invoke(app, ["catalog", "check"])

    assert result.exit_code == 1
    assert "1 invalid catalog file(s)" in result.output
    missing = get_settings().resolved_recordings_dir() / "socrata/austin-tx/never-recorded.json"
    assert f"recording.path: {missing} does not exist" in " ".join(result.output.split())
    assert "PERMITDB_RECORDINGS_DIR" in result.output
